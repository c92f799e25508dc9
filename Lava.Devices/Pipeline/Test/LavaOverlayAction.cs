namespace Lava.Devices.Pipeline.Test;

/// <summary>
/// LAVA's <c>lava-overlay</c>: the last step of the job's first deploy action when the job has test actions; builds
/// the job's overlay (<see cref="JobOverlay.EnsureAsync"/>). Jobs without a deploy action build it at their first
/// test action instead.
/// </summary>
public sealed class LavaOverlayAction() : PipelineAction("lava-overlay")
{
    /// <summary>
    /// <paramref name="deploy"/> with this action added as its last child, when <paramref name="job"/> needs an
    /// overlay; else <paramref name="deploy"/> itself.
    /// </summary>
    public static PipelineAction Under(PipelineAction deploy, Lava.Actors.Jobs.Definition.JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(deploy);
        return JobOverlay.IsNeeded(job) ? new DeployWithOverlay(deploy) : deploy;
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var overlay = await JobOverlay.EnsureAsync(scope.Context, deadline).ConfigureAwait(false);
        scope.Extra["root"] = overlay.Root;
    }

    // The deploy action as built, its internal pipeline ending with lava-overlay (its own RunAsync runs them).
    private sealed class DeployWithOverlay(PipelineAction deploy) : PipelineAction(deploy.Name, [.. deploy.Children, new LavaOverlayAction()])
    {
        public override TimeoutErrorKind TimeoutError => deploy.TimeoutError;

        public override IEnumerable<string> Validate(PipelineContext context) => deploy.Validate(context);

        public override Task RunAsync(ActionScope scope, CancellationToken deadline) => deploy.RunAsync(scope, deadline);
    }
}
