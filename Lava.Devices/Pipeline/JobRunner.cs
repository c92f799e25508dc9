using System.Globalization;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Devices.Pipeline.Power;
using Lava.Devices.Runs;

namespace Lava.Devices.Pipeline;

/// <summary>
/// The job runner's pipeline (one process per job): reads <c>job.yaml</c>, <c>device.yaml</c> and <c>run.json</c>
/// from the job directory, builds and validates the whole pipeline, runs its actions in order (each with LAVA's
/// timeouts and <c>failure_retry</c>), always ends with <c>finalize</c> (power-off, user commands' undo, console
/// closed), and writes the log, the <c>lava</c> suite and <c>end.json</c> (<see cref="JobOutputFiles"/>).
/// <c>stop</c> (SIGTERM) cancels the running action; the job then ends <c>fail</c>/<c>Canceled</c> after finalize.
/// Returns 0 once end.json is written.
/// </summary>
public static class JobRunner
{
    /// <summary>LAVA's <c>CLEANUP_TIMEOUT</c>: how long finalize may take at most.</summary>
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the job in <paramref name="jobDirectory"/> with the built-in actions.</summary>
    public static Task<int> RunAsync(string jobDirectory, CancellationToken stop) =>
        RunAsync(jobDirectory, ActionRegistry.CreateDefault(), TimeProvider.System, stop);

    /// <summary>Runs the job with the actions of <paramref name="registry"/>.</summary>
    public static async Task<int> RunAsync(string jobDirectory, ActionRegistry registry, TimeProvider clock, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(registry);
        await using var output = new JobOutputFiles(jobDirectory, clock);
        PipelineContext? context = null;
        LavaError? error = null;
        var topLevel = 0;
        var jobTimeout = TimeSpan.Zero;
        try
        {
            var files = new JobDirectory(jobDirectory);
            var run = files.ReadRun() ?? throw new InfrastructureError($"Unable to read {files.RunFile}: missing or not run.json's JSON");
            output.Log("info", $"lava-dispatcher, job {run.JobId} on device {run.Device} (worker {run.Worker})");
            context = new PipelineContext
            {
                Job = ReadJob(files),
                Device = ReadDevice(files),
                Output = output,
                JobId = run.JobId,
                JobDirectory = jobDirectory,
                FileServer = run.FileServer is { } server ? new Uri(server) : null,
                Clock = clock,
                Stopping = stop,
                Multinode = run.Multinode is null ? null : new JobDirectoryMultinodeApi(files, clock),
                MultinodeGroup = run.Multinode?.ToOverlay(),
            };
            var pipeline = Build(context, registry);
            topLevel = pipeline.Count;
            jobTimeout = run.JobTimeoutSeconds > 0 ? TimeSpan.FromSeconds(run.JobTimeoutSeconds) : context.Job.Timeouts.Job.Duration;
            using var jobDeadline = new CancellationTokenSource(jobTimeout, clock);
            using var running = CancellationTokenSource.CreateLinkedTokenSource(jobDeadline.Token, stop);
            for (var i = 0; i < pipeline.Count; i++)
            {
                await RunWithRetriesAsync(context, pipeline[i].Action, pipeline[i].Job, (i + 1).ToString(CultureInfo.InvariantCulture), running.Token).ConfigureAwait(false);
            }
        }
        catch (LavaError e)
        {
            error = e;
        }
        catch (OperationCanceledException)
        {
            // between actions (a retry's pause): inside one, the action reports its own timeout or the cancel
            error = stop.IsCancellationRequested
                ? new JobCanceled(ActionRunner.CanceledMessage)
                : new JobError($"Job timed out after {(int)jobTimeout.TotalSeconds} seconds");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or UriFormatException)
        {
            error = new LavaBug($"{e.GetType().Name}: {e.Message}", e);
        }
        if (context is not null)
        {
            error = await FinalizeAsync(context, (topLevel + 1).ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false) is { } cleanup && error is null ? cleanup : error;
        }
        await EndAsync(output, clock, error).ConfigureAwait(false);
        return 0;
    }

    private static List<(PipelineAction Action, JobAction Job)> Build(PipelineContext context, ActionRegistry registry)
    {
        var errors = new List<string>();
        var pipeline = new List<(PipelineAction Action, JobAction Job)>();
        foreach (var action in context.Job.Actions)
        {
            var built = registry.Build(action, context.Device, errors);
            var firstDeploy = action.Type == "deploy" && !pipeline.Any(p => p.Job.Type == "deploy");
            pipeline.Add((firstDeploy ? Test.LavaOverlayAction.Under(built, context.Job) : built, action));
        }
        errors.AddRange(pipeline.SelectMany(p => p.Action.Validate(context)));
        if (errors.Count > 0)
        {
            throw new JobError("Invalid job data: " + string.Join("; ", errors.Distinct()));
        }
        return pipeline;
    }

    // failure_retry: the whole block again on JobError, InfrastructureError, TestError or a test timeout (LAVA's RetryAction).
    private static async Task RunWithRetriesAsync(PipelineContext context, PipelineAction action, JobAction job, string level, CancellationToken deadline)
    {
        var attempts = Number(job.Block.GetValueOrDefault("failure_retry")) ?? 1;
        var interval = TimeSpan.FromSeconds(Number(job.Block.GetValueOrDefault("failure_retry_interval")) ?? 1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ActionRunner.RunAsync(context, action, level, job.Block, deadline).ConfigureAwait(false);
                return;
            }
            catch (LavaError e) when (attempt < attempts && e is JobError or InfrastructureError or TestError or LavaTimeoutError && !deadline.IsCancellationRequested)
            {
                context.Error($"{action.Name} failed: {attempt} of {attempts} attempts. '{e.Message}'");
                await context.CloseConsoleAsync().ConfigureAwait(false); // the retry connects again, as LAVA's cleanup does
                await Task.Delay(interval, context.Clock, deadline).ConfigureAwait(false);
                context.Warning($"Retrying: {level} {action.Name} ({interval.TotalSeconds} sec)");
            }
        }
    }

    // Runs whatever happened before: power off, undo user commands, close the console. Returns its own error, if any.
    private static async Task<LavaError?> FinalizeAsync(PipelineContext context, string level)
    {
        context.Stopping = CancellationToken.None;
        List<PipelineAction> steps = [];
        if (context.Device.Commands("power_off").Count > 0)
        {
            steps.Add(PowerCommandAction.PowerOff());
        }
        if (context.UndoCommands.Count > 0)
        {
            steps.Add(new UndoCommandsAction());
        }
        using var cleanup = new CancellationTokenSource(CleanupTimeout, context.Clock);
        try
        {
            await ActionRunner.RunAsync(context, new Boot.ActionGroup("finalize", steps), level, [], cleanup.Token).ConfigureAwait(false);
            return null;
        }
        catch (LavaError e)
        {
            return e;
        }
        finally
        {
            await context.CloseConsoleAsync().ConfigureAwait(false);
        }
    }

    private static async Task EndAsync(JobOutputFiles output, TimeProvider clock, LavaError? error)
    {
        if (error is null)
        {
            output.Log("info", "Job finished correctly");
            output.Result(new TestCaseResult("lava", "job", "pass", null, null, null, null, clock.GetUtcNow()));
            await output.EndAsync("pass", "", "").ConfigureAwait(false);
            return;
        }
        output.Log("error", $"{error.ErrorType} error: {error.Message}");
        output.Result(new TestCaseResult("lava", "job", "fail", null, null, null, null, clock.GetUtcNow(),
            new Dictionary<string, string> { ["error_msg"] = error.Message, ["error_type"] = error.ErrorType }));
        await output.EndAsync("fail", error.ErrorType, error.Message).ConfigureAwait(false);
    }

    // Read even when the job is being canceled: finalize needs the device's power-off command.
    private static DeviceConfiguration ReadDevice(JobDirectory directory)
    {
        try
        {
            return DeviceConfiguration.Parse(File.ReadAllText(directory.DeviceFile));
        }
        catch (IOException e)
        {
            throw new InfrastructureError($"Unable to read device.yaml: {e.Message}", e);
        }
    }

    private static JobDefinition ReadJob(JobDirectory directory)
    {
        try
        {
            var tree = JobDefinitionParser.Parse(File.ReadAllText(directory.DefinitionFile));
            return tree is OrderedDictionary<object, object?> map
                ? JobDefinition.FromTree(map)
                : throw new JobError("Invalid job definition: not a mapping");
        }
        catch (Exception e) when (e is JobDefinitionSyntaxException or KeyNotFoundException or InvalidCastException or ArgumentException or IOException)
        {
            throw new JobError($"Invalid job definition: {e.Message}", e);
        }
    }

    private static int? Number(object? value) => value switch
    {
        long l => (int)l,
        int i => i,
        _ => null,
    };

    /// <summary>Finalize's undo of the user commands that ran.</summary>
    private sealed class UndoCommandsAction() : PipelineAction("user-command-undo")
    {
        public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

        public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
        {
            foreach (var command in scope.Context.UndoCommands)
            {
                await HostCommand.RunAsync(scope.Context, "undo a user command", command, deadline).ConfigureAwait(false);
            }
        }
    }
}
