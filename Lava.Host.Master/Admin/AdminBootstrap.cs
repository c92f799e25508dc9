using Lava.Actors.Lab;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Master.Admin;

/// <summary>Makes sure the superuser <c>admin</c> exists and that its token is in <c>&lt;data-dir&gt;/admin.token</c>.</summary>
internal static class AdminBootstrap
{
    public const string AdminUser = "admin";

    /// <summary>
    /// On first start, writes a new token to <paramref name="tokenPath"/> (mode 0600, never overwriting) and then
    /// stores its hash: if the master dies between the two, the next start adopts the file's token. Later starts
    /// keep the stored hash; an existing file whose token is unknown (a new database) is adopted rather than replaced.
    /// </summary>
    public static async Task EnsureAdminAsync(ITokenStore store, string tokenPath, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (File.Exists(tokenPath))
        {
            var token = (await File.ReadAllTextAsync(tokenPath, cancellationToken)).Trim();
            if (token.Length == 0)
            {
                throw new MasterUsageException($"{tokenPath} is empty: delete it to have a new admin token made");
            }

            if (await store.FindByTokenHashAsync(ApiTokens.Hash(token), cancellationToken) is null)
            {
                await store.AddTokenAsync(AdminUser, isSuperuser: true, ApiTokens.Hash(token), "admin.token", cancellationToken);
                LogMessages.AdminTokenAdopted(logger, tokenPath);
            }

            return;
        }

        if (await store.FindUserAsync(AdminUser, cancellationToken) is not null)
        {
            LogMessages.AdminTokenFileMissing(logger, tokenPath);
            return;
        }

        var created = ApiTokens.Generate();
        await WriteSecretFileAsync(tokenPath, created + "\n", cancellationToken);
        await store.AddTokenAsync(AdminUser, isSuperuser: true, ApiTokens.Hash(created), "admin.token", cancellationToken);
        LogMessages.AdminCreated(logger, tokenPath);
    }

    private static async Task WriteSecretFileAsync(string path, string text, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }
}
