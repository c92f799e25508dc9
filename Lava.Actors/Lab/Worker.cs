namespace Lava.Actors.Lab;

/// <summary>
/// Whether a worker is connected, as LAVA's <c>Worker.state</c>. Owned by the cluster layer, never by admins.
/// The values are LAVA's stored integers.
/// </summary>
public enum WorkerState
{
    /// <summary>Connected to the master and sending heartbeats.</summary>
    Online = 0,

    /// <summary>Not connected; the state of every new worker.</summary>
    Offline = 1,
}

/// <summary>What admins allow a worker to do, as LAVA's <c>Worker.health</c>; the values are LAVA's stored integers.</summary>
public enum WorkerHealth
{
    /// <summary>May join and have its devices scheduled; the default.</summary>
    Active = 0,

    /// <summary>May join, but its devices are not scheduled.</summary>
    Maintenance = 1,

    /// <summary>Out of service: refused when it tries to join.</summary>
    Retired = 2,
}

/// <summary>
/// A worker as the master knows it. It is admitted by the certificate whose thumbprint is
/// <see cref="CertificateThumbprint"/>; the private key is never stored.
/// </summary>
/// <param name="Hostname">The worker's name, unique in the lab (see <see cref="WorkerNames"/>).</param>
/// <param name="Description">Free text for admins; empty when none was given.</param>
/// <param name="State">Online or Offline, set by the cluster layer through <see cref="IWorkerRegistry.SetStateAsync"/>.</param>
/// <param name="Health">Active, Maintenance or Retired, set by admins.</param>
/// <param name="Enabled">False after an admin disabled it: it is refused until enabled again.</param>
/// <param name="Revoked">True after an admin revoked its certificate: it is refused until a new one is issued.</param>
/// <param name="CertificateThumbprint">
/// Upper-case hex SHA-256 of the DER of its current certificate; empty until one is issued.
/// </param>
/// <param name="LastPing">When the cluster layer last heard from it; null if never.</param>
/// <param name="JobLimit">LAVA's job limit: at most this many of its devices busy at once; 0 = no limit.</param>
public sealed record Worker(
    string Hostname,
    string Description,
    WorkerState State,
    WorkerHealth Health,
    bool Enabled,
    bool Revoked,
    string CertificateThumbprint,
    DateTimeOffset? LastPing,
    int JobLimit);

/// <summary>
/// A partial update of a <see cref="Worker"/> applied atomically by <see cref="IWorkerRegistry.UpdateAsync"/>;
/// a null property leaves the stored value unchanged.
/// </summary>
public sealed record WorkerChange(
    string? Description = null,
    WorkerHealth? Health = null,
    bool? Enabled = null,
    bool? Revoked = null,
    string? CertificateThumbprint = null);
