namespace Lava.Host.Master.Gateway.Ui;

/// <summary>The UI's script and style sheet, embedded in the master and served with a week's caching (their URL carries the version).</summary>
internal static class Assets
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (name, type) in new[] { ("lava.js", "text/javascript; charset=utf-8"), ("lava.css", "text/css; charset=utf-8") })
        {
            var bytes = Read(name);
            app.MapGet($"/ui/assets/{name}", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=604800";
                return Results.Bytes(bytes, type);
            });
        }
    }

    /// <summary>The URL of an asset, with the master's version so that an upgrade is fetched at once.</summary>
    public static string Url(string name) => $"/ui/assets/{name}?v={Uri.EscapeDataString(MasterHost.Version)}";

    private static byte[] Read(string name)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream($"Lava.Host.Master.ui.{name}")
            ?? throw new InvalidOperationException($"the UI asset {name} is not embedded in the master");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
