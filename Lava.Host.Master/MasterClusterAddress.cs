namespace Lava.Host.Master;

/// <summary>HOST:PORT of this master's cluster port, with the bound port when port 0 was configured: what workers dial.</summary>
internal sealed record MasterClusterAddress(string HostPort);
