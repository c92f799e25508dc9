using Lava.Actors.Security;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary><c>/api/v0.2/system/</c>: the version (open to all, as lavacli asks it first), the caller, and the cluster port and the lab CA that workers trust.</summary>
internal static class SystemApi
{
    public static void Map(IEndpointRouteBuilder api, string version)
    {
        api.MapGet("/system/version/", () => Results.Ok(new { version }));
        api.MapGet("/system/whoami/", (HttpContext context) => Results.Ok(new { user = TokenAuthentication.OptionalCaller(context)?.Username }));
        api.MapGet("/system/cluster/", (MasterClusterAddress cluster, CertificateAuthority authority) =>
            Results.Ok(new { endpoint = cluster.HostPort, caThumbprint = authority.Thumbprint }));
    }
}
