namespace Lava.Devices.Qemu;

/// <summary>
/// A QEMU boot that cannot go on, with LAVA's error type for the job's end (<c>end.json</c>'s <c>errorType</c>):
/// <c>Infrastructure</c> (QEMU did not start or ended by itself), <c>Job</c> (the job's boot or deploy asks for what
/// cannot be done) or <c>Configuration</c> (the device configuration has no usable qemu method).
/// </summary>
public sealed class QemuException(string errorType, string message) : Exception(message)
{
    /// <summary>LAVA's error type: <c>Infrastructure</c>, <c>Job</c> or <c>Configuration</c>.</summary>
    public string ErrorType { get; } = errorType;

    internal static QemuException Infrastructure(string message) => new("Infrastructure", message);

    internal static QemuException Job(string message) => new("Job", message);

    internal static QemuException Configuration(string message) => new("Configuration", message);
}
