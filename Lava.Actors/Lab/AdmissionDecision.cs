namespace Lava.Actors.Lab;

/// <summary>Why <see cref="WorkerAdmission"/> refused a worker, or why a connected worker lost its access.</summary>
public enum AdmissionRefusal
{
    /// <summary>No worker of that hostname was added by an admin.</summary>
    UnknownWorker,

    /// <summary>The worker presented no token.</summary>
    MissingToken,

    /// <summary>The token is not the worker's current one (never was, or was replaced by a new one).</summary>
    WrongToken,

    /// <summary>An admin disabled the worker.</summary>
    Disabled,

    /// <summary>The worker's health is Retired.</summary>
    Retired,

    /// <summary>An admin revoked the worker's token; a new one must be issued.</summary>
    Revoked,
}

/// <summary>
/// The answer to a worker asking to join. <see cref="Refusal"/> is null exactly when <see cref="Admitted"/> is true;
/// <see cref="Message"/> is meant for logs and for the refused worker.
/// </summary>
public sealed record AdmissionDecision(string Hostname, bool Admitted, AdmissionRefusal? Refusal, string Message)
{
    internal static AdmissionDecision Admit(string hostname) => new(hostname, true, null, $"worker '{hostname}' admitted");

    internal static AdmissionDecision Refuse(string hostname, AdmissionRefusal refusal) =>
        new(hostname, false, refusal, Describe(hostname, refusal));

    internal static string Describe(string hostname, AdmissionRefusal refusal) => refusal switch
    {
        AdmissionRefusal.UnknownWorker => $"unknown worker '{hostname}': an admin must add it first",
        AdmissionRefusal.MissingToken => $"worker '{hostname}' presented no token",
        AdmissionRefusal.WrongToken => $"wrong token for worker '{hostname}'",
        AdmissionRefusal.Disabled => $"worker '{hostname}' is disabled",
        AdmissionRefusal.Retired => $"worker '{hostname}' is retired",
        AdmissionRefusal.Revoked => $"the token of worker '{hostname}' was revoked: an admin must issue a new one",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}

/// <summary>
/// Published by <see cref="WorkerAdmission.Withdrawals"/> after a committed admin change means a connected worker
/// must be disconnected at once: disabled, retired, revoked, or given a new token (<see cref="AdmissionRefusal.WrongToken"/>).
/// </summary>
public sealed record WorkerAccessWithdrawn(string Hostname, AdmissionRefusal Reason, string Message);
