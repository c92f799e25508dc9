using System.Globalization;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Devices.TestShell;

namespace Lava.Devices.Pipeline.Test;

/// <summary>
/// The <c>test</c> action as LAVA builds it: <c>lava-test-retry</c> holding <c>lava-test-shell</c> for
/// <c>definitions</c>, <c>lava-test-interactive-retry</c>/<c>lava-test-interactive</c> for <c>interactive</c>, and
/// <c>lava-test-monitor-retry</c>/<c>lava-test-monitor</c> for <c>monitors</c>. An <see cref="ActionFactory"/> for
/// <see cref="ActionRegistry"/>.
/// </summary>
public static class TestStrategies
{
    private static readonly string[] Forms = ["definitions", "interactive", "monitors"];

    /// <summary>Builds the test action of <paramref name="action"/>; exactly one of its three forms must be given, as a list.</summary>
    public static PipelineAction Test(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(errors);
        var forms = Forms.Where(action.Block.ContainsKey).ToList();
        if (forms.Count != 1)
        {
            errors.Add($"A test action needs exactly one of {string.Join(", ", Forms)}; it has {(forms.Count == 0 ? "none" : string.Join(", ", forms))}");
        }
        var form = forms.FirstOrDefault() ?? "definitions";
        if (action.Block[form] is not List<object?> { Count: > 0 })
        {
            errors.Add($"The test action's '{form}' must be a non-empty list");
        }
        var shell = new TestShellAction(form);
        var retry = form switch
        {
            "interactive" => "lava-test-interactive-retry",
            "monitors" => "lava-test-monitor-retry",
            _ => "lava-test-retry",
        };
        return new Boot.ActionGroup(retry, [shell], TimeoutErrorKind.LavaTimeout);
    }
}

/// <summary>
/// LAVA's <c>lava-test-shell</c> (or <c>lava-test-interactive</c>, <c>lava-test-monitor</c>) on the primary console
/// at the last boot's prompts: types the job's overlay at the prompt when the device does not have it yet, then runs
/// the stage's definitions, interactive scripts or monitors through a <see cref="TestShellSession"/>, recording the
/// cases through the job's output. Its deadline is a LAVATimeout error; the session's errors keep LAVA's types.
/// </summary>
public sealed class TestShellAction(string form) : PipelineAction(form switch
{
    "interactive" => "lava-test-interactive",
    "monitors" => "lava-test-monitor",
    _ => "lava-test-shell",
})
{
    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.LavaTimeout;

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var context = scope.Context;
        var console = scope.Console;
        var stage = JobOverlay.StageOf(context.Job, scope.Block);
        if (form != "monitors" && form != "interactive" && context.Prompts.Count == 0)
        {
            throw new JobError($"{Name} needs the shell prompts of a boot action ('prompts')");
        }
        var options = new TestShellOptions
        {
            Prompts = context.Prompts,
            Timeout = context.ActionTimeout(Name, scope.Block).Duration,
            ConnectionTimeout = context.ConnectionTimeout(Name),
            Stage = stage,
            ShellCommand = DeviceConfiguration.Text(context.Device.Constant("lava_test_sh_cmd", "posix")),
            Substitutions = Substitutions(context),
        };
        var session = new TestShellSession(console, new OutputSink(context.Output), options, context.Multinode, context.Clock);
        scope.Extra["stage"] = stage.ToString(CultureInfo.InvariantCulture);
        var items = (List<object?>)scope.Block[form]!;
        await TestShellErrors.MapAsync(async () =>
        {
            switch (form)
            {
                case "interactive":
                    await session.RunInteractiveAsync(items, deadline).ConfigureAwait(false);
                    break;
                case "monitors":
                    await session.RunMonitorsAsync(items, deadline).ConfigureAwait(false);
                    break;
                default:
                    var overlay = await JobOverlay.EnsureAsync(context, deadline).ConfigureAwait(false);
                    if (!context.OverlayOnDevice)
                    {
                        await session.TransferOverlayAsync(overlay, deadline).ConfigureAwait(false);
                        context.OverlayOnDevice = true;
                    }
                    await session.RunDefinitionsAsync(overlay, deadline).ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);
    }

    private static Dictionary<string, string> Substitutions(PipelineContext context)
    {
        var substitutions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{JOB_ID}"] = context.JobId.ToString(CultureInfo.InvariantCulture),
        };
        if (context.FileServer is { } server)
        {
            substitutions["{SERVER_IP}"] = server.Host;
        }
        return substitutions;
    }

    /// <summary>The session's log and cases into the job's output.</summary>
    private sealed class OutputSink(IJobOutput output) : ITestShellSink
    {
        // IJobOutput.Result writes the case's results line itself, with the same map: the session's own would be a
        // duplicate. Its number (used only as the case's LogLine) is replaced by the one Result writes.
        public long Log(string level, string message) => level == "results" ? -1 : output.Log(level, message);

        public void Result(TestCaseResult result) => output.Result(result);
    }
}
