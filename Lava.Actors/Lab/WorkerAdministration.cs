namespace Lava.Actors.Lab;

/// <summary>A worker with a token that was just issued; the token is shown once and never stored.</summary>
public sealed record IssuedWorkerToken(Worker Worker, string Token);

/// <summary>
/// The admin verbs on workers (LAVA's <c>workers add/update</c> plus enable, disable, revoke and token).
/// Each verb is one atomic registry write; when it withdraws access, <see cref="WorkerAdmission.Withdrawals"/>
/// publishes it after the write committed. Methods return null for an unknown hostname.
/// </summary>
public sealed class WorkerAdministration
{
    private readonly IWorkerRegistry _registry;
    private readonly WorkerAdmission _admission;

    /// <summary>Creates the service; <paramref name="admission"/> publishes the withdrawals it causes.</summary>
    public WorkerAdministration(IWorkerRegistry registry, WorkerAdmission admission)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(admission);
        _registry = registry;
        _admission = admission;
    }

    /// <summary>
    /// Adds an Offline, enabled worker with a new token; returns null and changes nothing when the hostname exists.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hostname"/> fails <see cref="WorkerNames.Validate"/>.</exception>
    public async Task<IssuedWorkerToken?> TryCreateAsync(string hostname, string description, WorkerHealth health, CancellationToken cancellationToken = default)
    {
        if (WorkerNames.Validate(hostname) is { } error)
        {
            throw new ArgumentException(error, nameof(hostname));
        }

        ArgumentNullException.ThrowIfNull(description);
        var token = ApiTokens.Generate();
        var worker = new Worker(hostname, description, WorkerState.Offline, health, Enabled: true, TokenRevoked: false, ApiTokens.Hash(token), LastPing: null, JobLimit: 0);
        return await _registry.TryAddAsync(worker, cancellationToken).ConfigureAwait(false) ? new IssuedWorkerToken(worker, token) : null;
    }

    /// <summary>Changes the description and/or health (null = unchanged); retiring withdraws access.</summary>
    public async Task<Worker?> UpdateAsync(string hostname, string? description, WorkerHealth? health, CancellationToken cancellationToken = default)
    {
        var worker = await _registry.UpdateAsync(hostname, new WorkerChange(Description: description, Health: health), cancellationToken).ConfigureAwait(false);
        if (worker is not null && health == WorkerHealth.Retired)
        {
            _admission.Publish(hostname, AdmissionRefusal.Retired);
        }

        return worker;
    }

    /// <summary>Makes the worker usable again: enabled and Active (whatever its health was, as LAVA's "enable" of a retired worker).</summary>
    public Task<Worker?> EnableAsync(string hostname, CancellationToken cancellationToken = default) =>
        _registry.UpdateAsync(hostname, new WorkerChange(Enabled: true, Health: WorkerHealth.Active), cancellationToken);

    /// <summary>Disables the worker: it is refused and disconnected; its health is kept.</summary>
    public Task<Worker?> DisableAsync(string hostname, CancellationToken cancellationToken = default) =>
        WithdrawAsync(hostname, new WorkerChange(Enabled: false), AdmissionRefusal.Disabled, cancellationToken);

    /// <summary>Sets the health; Retired also withdraws access, Maintenance keeps the worker connected.</summary>
    public Task<Worker?> SetHealthAsync(string hostname, WorkerHealth health, CancellationToken cancellationToken = default) =>
        UpdateAsync(hostname, description: null, health, cancellationToken);

    /// <summary>Revokes the worker's token: it is refused and disconnected until <see cref="IssueTokenAsync"/>.</summary>
    public Task<Worker?> RevokeAsync(string hostname, CancellationToken cancellationToken = default) =>
        WithdrawAsync(hostname, new WorkerChange(TokenRevoked: true), AdmissionRefusal.Revoked, cancellationToken);

    /// <summary>
    /// Replaces the worker's token with a new one and lifts a revocation; a worker connected with the old token
    /// is disconnected (<see cref="AdmissionRefusal.WrongToken"/>).
    /// </summary>
    public async Task<IssuedWorkerToken?> IssueTokenAsync(string hostname, CancellationToken cancellationToken = default)
    {
        var token = ApiTokens.Generate();
        var worker = await WithdrawAsync(hostname, new WorkerChange(TokenHash: ApiTokens.Hash(token), TokenRevoked: false), AdmissionRefusal.WrongToken, cancellationToken).ConfigureAwait(false);
        return worker is null ? null : new IssuedWorkerToken(worker, token);
    }

    private async Task<Worker?> WithdrawAsync(string hostname, WorkerChange change, AdmissionRefusal reason, CancellationToken cancellationToken)
    {
        var worker = await _registry.UpdateAsync(hostname, change, cancellationToken).ConfigureAwait(false);
        if (worker is not null)
        {
            _admission.Publish(hostname, reason);
        }

        return worker;
    }
}
