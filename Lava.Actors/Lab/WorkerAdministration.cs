namespace Lava.Actors.Lab;

/// <summary>A worker with the certificate just issued to it; the private key is handed out once and never stored.</summary>
public sealed record IssuedWorkerCredentials(Worker Worker, IssuedCertificate Certificate);

/// <summary>
/// The admin verbs on workers (LAVA's <c>workers add/update</c> plus enable, disable, revoke and certificate).
/// Each verb is one atomic registry write; when it withdraws access, <see cref="WorkerAdmission.Withdrawals"/>
/// publishes it after the write committed. Methods return null for an unknown hostname; they throw
/// <see cref="Store.LabStoreUnavailableException"/> when the lab database cannot be reached.
/// </summary>
public sealed class WorkerAdministration
{
    private readonly IWorkerRegistry _registry;
    private readonly WorkerAdmission _admission;
    private readonly IWorkerCertificateIssuer _issuer;

    /// <summary>
    /// Creates the service; <paramref name="admission"/> publishes the withdrawals it causes and
    /// <paramref name="issuer"/> signs the certificates of new and re-issued workers.
    /// </summary>
    public WorkerAdministration(IWorkerRegistry registry, WorkerAdmission admission, IWorkerCertificateIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(issuer);
        _registry = registry;
        _admission = admission;
        _issuer = issuer;
    }

    /// <summary>
    /// Adds an Offline, enabled worker with a newly issued certificate; returns null and changes nothing when the
    /// hostname exists.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hostname"/> fails <see cref="WorkerNames.Validate"/>.</exception>
    public async Task<IssuedWorkerCredentials?> TryCreateAsync(string hostname, string description, WorkerHealth health, CancellationToken cancellationToken = default)
    {
        if (WorkerNames.Validate(hostname) is { } error)
        {
            throw new ArgumentException(error, nameof(hostname));
        }

        ArgumentNullException.ThrowIfNull(description);
        // Checked first so that the CA signs nothing for a name that exists; the primary key still decides a race.
        if (await _registry.FindAsync(hostname, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var certificate = Issue(hostname);
        var worker = new Worker(hostname, description, WorkerState.Offline, health, Enabled: true, Revoked: false, certificate.Thumbprint, LastPing: null, JobLimit: 0);
        return await _registry.TryAddAsync(worker, cancellationToken).ConfigureAwait(false) ? new IssuedWorkerCredentials(worker, certificate) : null;
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

    /// <summary>Revokes the worker's certificate: it is refused and disconnected until <see cref="IssueCertificateAsync"/>.</summary>
    public Task<Worker?> RevokeAsync(string hostname, CancellationToken cancellationToken = default) =>
        WithdrawAsync(hostname, new WorkerChange(Revoked: true), AdmissionRefusal.Revoked, cancellationToken);

    /// <summary>
    /// Issues the worker a new certificate, which becomes its only admitted one, and lifts a revocation; a worker
    /// connected with the old certificate is disconnected (<see cref="AdmissionRefusal.NotCurrentCertificate"/>).
    /// </summary>
    public async Task<IssuedWorkerCredentials?> IssueCertificateAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        if (await _registry.FindAsync(hostname, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var certificate = Issue(hostname);
        var change = new WorkerChange(CertificateThumbprint: certificate.Thumbprint, Revoked: false);
        var worker = await WithdrawAsync(hostname, change, AdmissionRefusal.NotCurrentCertificate, cancellationToken).ConfigureAwait(false);
        return worker is null ? null : new IssuedWorkerCredentials(worker, certificate);
    }

    private IssuedCertificate Issue(string hostname)
    {
        var certificate = _issuer.Issue(hostname);
        // The registry compares thumbprints as text, so a malformed one would lock the worker out for good.
        if (certificate.Thumbprint.Length != 64 || !certificate.Thumbprint.All(char.IsAsciiHexDigit))
        {
            throw new InvalidOperationException($"the certificate issued to worker '{hostname}' has thumbprint '{certificate.Thumbprint}', not a hex SHA-256");
        }

        return certificate with { Thumbprint = certificate.Thumbprint.ToUpperInvariant() };
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
