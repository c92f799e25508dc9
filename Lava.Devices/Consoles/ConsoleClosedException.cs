namespace Lava.Devices.Consoles;

/// <summary>
/// The console connection is gone: closed by us, by the far end, or broken. LAVA reports this as
/// <c>ConnectionClosedError</c>, an infrastructure error.
/// </summary>
public sealed class ConsoleClosedException : IOException
{
    public ConsoleClosedException(string message)
        : base(message)
    {
    }

    public ConsoleClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
