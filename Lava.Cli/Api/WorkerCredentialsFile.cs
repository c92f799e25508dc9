using System.Text.Json;
using Lava.Actors.Security;

namespace Lava.Cli.Api;

/// <summary>The credentials the master answers a worker's creation or new certificate with, which it shows that once.</summary>
internal static class WorkerCredentialsFile
{
    /// <summary>The credentials in the answer <paramref name="issued"/>.</summary>
    public static WorkerCredentials From(JsonElement issued)
    {
        var c = issued.GetProperty("credentials");
        return new WorkerCredentials(
            Text(c, "name"),
            Text(c, "master"),
            Convert.FromBase64String(Text(c, "certificate")),
            Convert.FromBase64String(Text(c, "key")),
            Convert.FromBase64String(Text(c, "ca")));
    }

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";
}
