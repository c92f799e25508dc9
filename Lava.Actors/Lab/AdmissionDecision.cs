namespace Lava.Actors.Lab;

/// <summary>Why <see cref="WorkerAdmission"/> refused a worker, or why a connected worker lost its access.</summary>
public enum AdmissionRefusal
{
    /// <summary>No worker of that hostname was added by an admin.</summary>
    UnknownWorker,

    /// <summary>An admin revoked the worker's certificate; a new one must be issued.</summary>
    Revoked,

    /// <summary>No certificate was ever issued to the worker.</summary>
    NoCertificate,

    /// <summary>The presented certificate is not the worker's current one: replaced by a newer one, or never its own.</summary>
    NotCurrentCertificate,

    /// <summary>An admin disabled the worker.</summary>
    Disabled,

    /// <summary>The worker's health is Retired.</summary>
    Retired,
}

/// <summary>
/// The answer to a worker asking to join. <see cref="Refusal"/> is null exactly when <see cref="Admitted"/> is true;
/// <see cref="Message"/> names the worker and the reason in plain words, for the master's log and the refused worker.
/// </summary>
public sealed record AdmissionDecision(string Hostname, bool Admitted, AdmissionRefusal? Refusal, string Message)
{
    internal static AdmissionDecision Admit(string hostname) => new(hostname, true, null, $"worker '{hostname}' admitted");

    internal static AdmissionDecision Refuse(string hostname, AdmissionRefusal refusal) =>
        new(hostname, false, refusal, Describe(hostname, refusal));

    internal static string Describe(string hostname, AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.UnknownWorker => $"unknown worker '{hostname}': an admin must add it first",
        AdmissionRefusal.Revoked => $"the certificate of worker '{hostname}' was revoked: an admin must issue a new one",
        AdmissionRefusal.NoCertificate => $"worker '{hostname}' has no certificate: an admin must issue one",
        AdmissionRefusal.NotCurrentCertificate =>
            $"worker '{hostname}' presented a certificate that is not its current one (replaced by a newer one, or never issued to it)",
        AdmissionRefusal.Disabled => $"worker '{hostname}' is disabled",
        AdmissionRefusal.Retired => $"worker '{hostname}' is retired",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}

/// <summary>
/// Published by <see cref="WorkerAdmission.Withdrawals"/> after a committed admin change means a connected worker
/// must be disconnected at once: disabled, retired, its certificate revoked, or a new certificate issued
/// (<see cref="AdmissionRefusal.NotCurrentCertificate"/>: the one it is connected with is no longer current).
/// </summary>
public sealed record WorkerAccessWithdrawn(string Hostname, AdmissionRefusal Reason, string Message);
