namespace Lava.Kernel;

/// <summary>Why a held lease was lost: passed to the <c>leaseLost</c> callback of <see cref="ILease.AcquireAsync"/>.</summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception for lease <paramref name="leaseName"/> held by <paramref name="owner"/>.</summary>
    public LeaseLostException(string leaseName, string owner, string reason, Exception? innerException = null)
        : base($"Lease '{leaseName}' of '{owner}' lost: {reason}", innerException)
    {
        LeaseName = leaseName;
        Owner = owner;
    }

    /// <summary>The lost lease's name.</summary>
    public string LeaseName { get; }

    /// <summary>The owner that held it.</summary>
    public string Owner { get; }
}
