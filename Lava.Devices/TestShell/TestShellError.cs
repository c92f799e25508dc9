namespace Lava.Devices.TestShell;

/// <summary>
/// A test action failed the way LAVA classifies it: <see cref="ErrorType"/> is LAVA's <c>error_type</c>
/// (<c>Job</c>, <c>Infrastructure</c>, <c>Test</c> or <c>LAVATimeout</c>) and the message is LAVA's text. The pipeline
/// maps it to the job's health and to the <c>lava</c>/<c>job</c> result.
/// </summary>
public sealed class TestShellError : Exception
{
    public TestShellError(string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
    }

    /// <summary>LAVA's <c>error_type</c>.</summary>
    public string ErrorType { get; }

    /// <summary>A JobError: the job's definition asks for something that cannot be done.</summary>
    public static TestShellError Job(string message, Exception? inner = null) => new("Job", message, inner);

    /// <summary>An InfrastructureError: the lab failed (network, git server, console).</summary>
    public static TestShellError Infrastructure(string message, Exception? inner = null) => new("Infrastructure", message, inner);

    /// <summary>A TestError: the test itself failed in a way that aborts the action.</summary>
    public static TestShellError Test(string message, Exception? inner = null) => new("Test", message, inner);

    /// <summary>A LAVATimeoutError: the action's timeout ran out.</summary>
    public static TestShellError Timeout(string message, Exception? inner = null) => new("LAVATimeout", message, inner);
}
