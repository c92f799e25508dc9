namespace Lava.Actors.Lab;

/// <summary>
/// A device registry operation named a device type, worker or device that does not exist, so it changed nothing.
/// The HTTP API answers it with 400 (404 for the device itself).
/// </summary>
public sealed class DeviceReferenceException : Exception
{
    /// <summary>The missing <paramref name="kind"/> ("device type", "worker" or "device") called <paramref name="name"/>.</summary>
    public DeviceReferenceException(string kind, string name)
        : base($"{kind} '{name}' does not exist")
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>What was missing: "device type", "worker" or "device".</summary>
    public string Kind { get; }

    /// <summary>The name that was not found.</summary>
    public string Name { get; }
}
