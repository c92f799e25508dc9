using System.Globalization;
using Lava.Actors.Jobs;
using Lava.Devices.Consoles;

namespace Lava.Devices.Pipeline;

/// <summary>
/// Runs one <see cref="PipelineAction"/> as LAVA's pipeline does: resolves its timeout, logs
/// <c>start: LEVEL NAME (timeout HH:MM:SS) [common]</c>, runs it before the earlier of its own and its parent's
/// deadline, logs <c>end: ...</c> and records its <c>lava</c> suite case (pass or fail, duration, level). Whatever
/// fails leaves as a <see cref="LavaError"/>: an expired deadline as the innermost running action's timeout error
/// (LAVA's alarm fires in the innermost action), cancel as <see cref="JobCanceled"/>, a lost console as an
/// <see cref="InfrastructureError"/>, anything unexpected as a <see cref="LavaBug"/>.
/// </summary>
public static class ActionRunner
{
    private const string Namespace = "common";
    private const string LoggedKey = "lava.logged";

    /// <summary>LAVA's message for a job canceled while it ran.</summary>
    public const string CanceledMessage = "The job was canceled";

    /// <summary>Runs <paramref name="action"/> at <paramref name="level"/> of <paramref name="block"/>.</summary>
    public static async Task RunAsync(PipelineContext context, PipelineAction action, string level, OrderedDictionary<object, object?> block, CancellationToken parentDeadline)
    {
        var timeout = context.ActionTimeout(action.Name, block).Duration;
        context.Info($"start: {level} {action.Name} (timeout {Hms(timeout)}) [{Namespace}]");
        var started = context.Clock.GetTimestamp();
        var scope = new ActionScope(context, action, level, block);
        using var own = new CancellationTokenSource(timeout, context.Clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(parentDeadline, own.Token);
        var result = "fail";
        try
        {
            await action.RunAsync(scope, deadline.Token).ConfigureAwait(false);
            result = "pass";
        }
        catch (Exception e) when (e is not LavaError)
        {
            throw Logged(context, Translate(context, action, e, context.Clock.GetElapsedTime(started)));
        }
        catch (LavaError e)
        {
            throw Logged(context, e);
        }
        finally
        {
            var duration = context.Clock.GetElapsedTime(started);
            context.Info($"end: {level} {action.Name} (duration {Hms(duration)}) [{Namespace}]");
            var seconds = duration.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
            scope.Extra["level"] = level;
            scope.Extra["namespace"] = Namespace;
            scope.Extra["duration"] = seconds;
            context.Output.Result(new TestCaseResult("lava", action.Name, result, seconds, "seconds", null, null, context.Clock.GetUtcNow(), scope.Extra));
        }
    }

    /// <summary>The timeout error of <paramref name="action"/>, in LAVA's words: "NAME timed out after N seconds".</summary>
    public static LavaError TimedOut(PipelineAction action, TimeSpan elapsed)
    {
        var message = $"{action.Name} timed out after {(int)elapsed.TotalSeconds} seconds";
        return action.TimeoutError switch
        {
            TimeoutErrorKind.Infrastructure => new InfrastructureError(message),
            TimeoutErrorKind.LavaTimeout => new LavaTimeoutError(message),
            _ => new JobError(message),
        };
    }

    /// <summary>A duration as LAVA's logs show it: <c>HH:MM:SS</c>.</summary>
    public static string Hms(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static LavaError Translate(PipelineContext context, PipelineAction action, Exception e, TimeSpan elapsed) => e switch
    {
        OperationCanceledException when context.Stopping.IsCancellationRequested => new JobCanceled(CanceledMessage),
        OperationCanceledException => TimedOut(action, elapsed),
        ConsoleClosedException closed => new InfrastructureError($"Connection closed: {closed.Message}", closed),
        _ => new LavaBug($"{action.Name}: {e.GetType().Name}: {e.Message}", e),
    };

    // The innermost action that sees an error logs it; the levels above only pass it on.
    private static LavaError Logged(PipelineContext context, LavaError e)
    {
        if (!e.Data.Contains(LoggedKey))
        {
            e.Data[LoggedKey] = true;
            if (e is not JobCanceled)
            {
                context.Error($"{e.GetType().Name}: {e.Message}");
            }
        }
        return e;
    }
}
