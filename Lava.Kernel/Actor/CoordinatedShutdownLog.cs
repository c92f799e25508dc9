using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>The log messages of <see cref="CoordinatedShutdown"/>, event ids 5100 and up.</summary>
internal static partial class CoordinatedShutdownLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Coordinated shutdown of {System} started: {Reason}")]
    public static partial void Started(ILogger logger, string system, string reason);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Coordinated shutdown phase {Phase} timed out after {Timeout}")]
    public static partial void PhaseTimedOut(ILogger logger, string phase, TimeSpan timeout);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Coordinated shutdown task {Task} of phase {Phase} was cancelled by the phase timeout")]
    public static partial void TaskTimedOut(ILogger logger, string phase, string task);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Coordinated shutdown task {Task} of phase {Phase} failed")]
    public static partial void TaskFailed(ILogger logger, Exception exception, string phase, string task);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Coordinated shutdown task {Task} added to phase {Phase} after it started; it does not run")]
    public static partial void TaskAddedTooLate(ILogger logger, string phase, string task);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Coordinated shutdown of {System} finished")]
    public static partial void Finished(ILogger logger, string system);
}
