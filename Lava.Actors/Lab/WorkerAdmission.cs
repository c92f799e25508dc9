using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Actors.Lab;

/// <summary>
/// Decides whether a worker may join the cluster, and tells the cluster transport when an admin withdraws a
/// worker's access. The transport calls <see cref="AdmitAsync"/> on every join and subscribes to
/// <see cref="Withdrawals"/> to drop the connection of a worker that was disabled, retired, revoked or re-tokened.
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
    /// Admits <paramref name="hostname"/> only if an admin added it, <paramref name="token"/> is its current
    /// token, the token is not revoked, and it is enabled and not retired (Maintenance is admitted: it stays
    /// connected, only its devices are not scheduled). Refusals carry the first failed check in that order.
    /// </summary>
    public async Task<AdmissionDecision> AdmitAsync(string hostname, string? token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        var worker = await _registry.FindAsync(hostname, cancellationToken).ConfigureAwait(false);
        if (worker is null)
        {
            return AdmissionDecision.Refuse(hostname, AdmissionRefusal.UnknownWorker);
        }

        if (string.IsNullOrEmpty(token))
        {
            return AdmissionDecision.Refuse(hostname, AdmissionRefusal.MissingToken);
        }

        // The token is checked before any state so that only its holder learns whether the worker is revoked or disabled.
        if (!ApiTokens.Matches(token, worker.TokenHash))
        {
            return AdmissionDecision.Refuse(hostname, AdmissionRefusal.WrongToken);
        }

        if (worker.TokenRevoked)
        {
            return AdmissionDecision.Refuse(hostname, AdmissionRefusal.Revoked);
        }

        if (!worker.Enabled)
        {
            return AdmissionDecision.Refuse(hostname, AdmissionRefusal.Disabled);
        }

        return worker.Health == WorkerHealth.Retired
            ? AdmissionDecision.Refuse(hostname, AdmissionRefusal.Retired)
            : AdmissionDecision.Admit(hostname);
    }

    internal void Publish(string hostname, AdmissionRefusal reason) =>
        _feed.Publish(new WorkerAccessWithdrawn(hostname, reason, AdmissionDecision.Describe(hostname, reason)));
}
