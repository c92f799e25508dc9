using Lava.Actors.Jobs.Definition;
using Lava.Devices.Consoles;

namespace Lava.Devices.Pipeline;

/// <summary>
/// What the actions of one job share while it runs: the job, the device, the output, the console once
/// <c>connect-device</c> opened it, the files deploy actions left in the job directory, and the stop token.
/// </summary>
public sealed class PipelineContext : IConsoleLog
{
    private readonly List<string> _undo = [];

    public required JobDefinition Job { get; init; }

    public required DeviceConfiguration Device { get; init; }

    public required IJobOutput Output { get; init; }

    /// <summary>The job's id (run.json's <c>jobId</c>): the overlay's root and its runs' uuids are named after it.</summary>
    public long JobId { get; init; }

    /// <summary>The job directory: downloads go there, and the worker serves it at <see cref="FileServer"/>.</summary>
    public required string JobDirectory { get; init; }

    /// <summary>Where a board fetches the job directory's files over HTTP (run.json's <c>fileServer</c>); null when not served.</summary>
    public Uri? FileServer { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Fires when the job is canceled (SIGTERM to the runner); none while the job ends (finalize must run).</summary>
    public CancellationToken Stopping { get; set; }

    /// <summary>The primary console, opened by <c>connect-device</c>; null before and after.</summary>
    public ConsoleExpect? Console { get; set; }

    /// <summary>The shell prompts of the last boot (its <c>prompts</c>), for the actions after it.</summary>
    public IReadOnlyList<string> Prompts { get; set; } = [];

    /// <summary>The deployed files by label (<c>kernel</c>, <c>rootfs</c>...): paths relative to <see cref="JobDirectory"/>.</summary>
    public Dictionary<string, string> Downloads { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The lava-test-shell overlay of the job's test actions, built by the deploy stage; null when the job has no test
    /// action. QEMU boots it appended to the initrd; a board without it gets it typed at its prompt by the test action.
    /// </summary>
    public Lava.Devices.TestShell.Overlay? Overlay { get; set; }

    /// <summary>
    /// Whether <see cref="Overlay"/> is on the booted device: a QEMU boot that appended it to the initrd sets it, a
    /// device reset clears it, a test action that typed it over the console sets it (so that it is typed only once).
    /// </summary>
    public bool OverlayOnDevice { get; set; }

    /// <summary>This job's place in its MultiNode group as run.json gives it (self, role, every member's role); null for a single-node job.</summary>
    public Lava.Devices.TestShell.MultinodeInfo? MultinodeGroup { get; init; }

    /// <summary>The MultiNode group's API for the test shell's <c>lava-send</c>, <c>lava-wait</c>...; null for a single-node job.</summary>
    public Lava.Devices.TestShell.IMultinodeApi? Multinode { get; init; }

    /// <summary>Commands to run at the end of the job (user commands' <c>undo</c>), in order.</summary>
    public IReadOnlyList<string> UndoCommands => _undo;

    public void AddUndo(string command) => _undo.Add(command);

    /// <summary>The timeout of the action <paramref name="name"/> within the job action <paramref name="block"/>, by LAVA's precedence.</summary>
    public JobTimeout ActionTimeout(string name, OrderedDictionary<object, object?> block) =>
        Job.Timeouts.ForAction(name, block, Device.Timeouts);

    /// <summary>The timeout of each console interaction inside the action <paramref name="name"/>.</summary>
    public TimeSpan ConnectionTimeout(string name) => Job.Timeouts.ForConnection(name, Device.Timeouts).Duration;

    public void Info(string message) => Output.Log("info", message);

    public void Debug(string message) => Output.Log("debug", message);

    public void Warning(string message) => Output.Log("warning", message);

    public void Error(string message) => Output.Log("error", message);

    void IConsoleLog.Target(string line) => Output.Log("target", line);

    void IConsoleLog.Input(string text) => Output.Log("input", text);

    /// <summary>Closes the console, if open (LAVA closes the connection at the end of every job).</summary>
    public async Task CloseConsoleAsync()
    {
        if (Console is { } console)
        {
            Console = null;
            await console.DisposeAsync().ConfigureAwait(false);
            Debug($"Disconnected from {console.Connection.Description}");
        }
    }
}
