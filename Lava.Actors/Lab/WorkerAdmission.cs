using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Actors.Lab;

/// <summary>
/// Decides whether a worker may join the cluster, and tells the cluster transport when an admin withdraws a
/// worker's access. The transport calls <see cref="AdmitAsync"/> on every join and subscribes to
/// <see cref="Withdrawals"/> to drop the connection of a worker that was disabled, retired, revoked or issued a new certificate.
/// </summary>
public sealed class WorkerAdmission
{
    private readonly IWorkerRegistry _registry;
    private readonly WorkerAccessFeed _feed;

    /// <summary>Creates the service over <paramref name="registry"/>.</summary>
    public WorkerAdmission(IWorkerRegistry registry, ILogger<WorkerAdmission>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _feed = new WorkerAccessFeed(logger ?? NullLogger<WorkerAdmission>.Instance);
    }

    /// <summary>
    /// Every withdrawal of access, in commit order, delivered synchronously on the thread that made the admin
    /// change; observers must not block. An observer that throws is logged and does not stop the others.
    /// </summary>
    public IObservable<WorkerAccessWithdrawn> Withdrawals => _feed;

    /// <summary>
    /// Admits <paramref name="hostname"/> only if an admin added it, its certificate is not revoked,
    /// <paramref name="certificateThumbprint"/> (hex SHA-256 of the DER the worker presented in the TLS handshake) is
    /// its current certificate, and it is enabled and not retired. Maintenance is admitted: it stays connected, only
    /// its devices are not scheduled. A refusal carries the first failed check in that order.
    /// </summary>
    /// <exception cref="Store.LabStoreUnavailableException">The lab database cannot be reached.</exception>
    public async Task<AdmissionDecision> AdmitAsync(string hostname, string certificateThumbprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(certificateThumbprint);
        var worker = await _registry.FindAsync(hostname, cancellationToken).ConfigureAwait(false);
        var refusal = worker switch
        {
            null => AdmissionRefusal.UnknownWorker,
            { Revoked: true } => AdmissionRefusal.Revoked,
            { CertificateThumbprint.Length: 0 } => AdmissionRefusal.NoCertificate,
            { } current when !string.Equals(current.CertificateThumbprint, certificateThumbprint, StringComparison.OrdinalIgnoreCase) =>
                AdmissionRefusal.NotCurrentCertificate,
            { Enabled: false } => AdmissionRefusal.Disabled,
            { Health: WorkerHealth.Retired } => AdmissionRefusal.Retired,
            _ => (AdmissionRefusal?)null,
        };
        return refusal is { } reason ? AdmissionDecision.Refuse(hostname, reason) : AdmissionDecision.Admit(hostname);
    }

    internal void Publish(string hostname, AdmissionRefusal reason) =>
        _feed.Publish(new WorkerAccessWithdrawn(hostname, reason, AdmissionDecision.Describe(hostname, reason)));
}
