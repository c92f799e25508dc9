namespace Lava.Devices.Pipeline;

/// <summary>
/// An error that ends a job, as LAVA's <c>LAVAError</c> subclasses: its <see cref="ErrorType"/> is what the job
/// reports (end.json's <c>errorType</c>, the <c>lava</c>/<c>job</c> case's <c>error_type</c>) and decides the job's
/// and the device's health. A failed test case is a result, never one of these.
/// </summary>
public abstract class LavaError : Exception
{
    protected LavaError(string message)
        : base(message)
    {
    }

    protected LavaError(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// The error of LAVA's <paramref name="errorType"/> (as the components that know no pipeline name it) for
    /// <paramref name="cause"/>; a type it does not know is a bug of <paramref name="component"/>.
    /// </summary>
    public static LavaError OfType(string errorType, Exception cause, string component)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return errorType switch
        {
            "Infrastructure" => new InfrastructureError(cause.Message, cause),
            "Job" => new JobError(cause.Message, cause),
            "Test" => new TestError(cause.Message),
            "Configuration" => new ConfigurationError(cause.Message),
            "LAVATimeout" => new LavaTimeoutError(cause.Message),
            _ => new LavaBug($"{component}: {errorType}: {cause.Message}", cause),
        };
    }

    /// <summary>LAVA's <c>error_type</c>: Infrastructure, Job, Test, Bug, Configuration, LAVATimeout or Canceled.</summary>
    public abstract string ErrorType { get; }
}

/// <summary>Something outside the job failed: power, console, network, a bootloader error (LAVA's <c>InfrastructureError</c>).</summary>
public sealed class InfrastructureError : LavaError
{
    public InfrastructureError(string message) : base(message) { }

    public InfrastructureError(string message, Exception inner) : base(message, inner) { }

    public override string ErrorType => "Infrastructure";
}

/// <summary>The job asked for something that cannot work (LAVA's <c>JobError</c>); also the default action timeout.</summary>
public sealed class JobError : LavaError
{
    public JobError(string message) : base(message) { }

    public JobError(string message, Exception inner) : base(message, inner) { }

    public override string ErrorType => "Job";
}

/// <summary>The test itself broke the job (LAVA's <c>TestError</c>).</summary>
public sealed class TestError : LavaError
{
    public TestError(string message) : base(message) { }

    public override string ErrorType => "Test";
}

/// <summary>The device configuration is wrong (LAVA's <c>ConfigurationError</c>).</summary>
public sealed class ConfigurationError : LavaError
{
    public ConfigurationError(string message) : base(message) { }

    public override string ErrorType => "Configuration";
}

/// <summary>A bug in the pipeline: an unexpected exception (LAVA's <c>LAVABug</c>).</summary>
public sealed class LavaBug : LavaError
{
    public LavaBug(string message, Exception inner) : base(message, inner) { }

    public override string ErrorType => "Bug";
}

/// <summary>A test action's timeout (LAVA's <c>LAVATimeoutError</c>, e.g. "test shell has timed out").</summary>
public sealed class LavaTimeoutError : LavaError
{
    public LavaTimeoutError(string message) : base(message) { }

    public override string ErrorType => "LAVATimeout";
}

/// <summary>The job was canceled (SIGTERM to the runner; LAVA's <c>JobCanceled</c>).</summary>
public sealed class JobCanceled : LavaError
{
    public JobCanceled(string message) : base(message) { }

    public override string ErrorType => "Canceled";
}

/// <summary>Which <see cref="LavaError"/> an action raises when its deadline passes (LAVA's <c>timeout_exception</c>).</summary>
public enum TimeoutErrorKind
{
    /// <summary><see cref="JobError"/>: LAVA's default.</summary>
    Job,

    /// <summary><see cref="InfrastructureError"/>: bootloader, power and connection actions.</summary>
    Infrastructure,

    /// <summary><see cref="LavaTimeoutError"/>: test actions.</summary>
    LavaTimeout,
}
