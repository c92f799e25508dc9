using Lava.Devices.Consoles;
using Lava.Devices.Qemu;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>
/// LAVA's <c>execute-qemu</c>: builds the QEMU command (<see cref="QemuCommandLine"/>) from the device's qemu method,
/// the images deployed under their labels with the job's <c>image_arg</c>s and, when the job has a test overlay, that
/// overlay appended to the initrd (then marked as on the device); logs <c>Boot command: ...</c>, starts QEMU and makes
/// its stdio the job's console. QEMU ending by itself shows as that console closing, with QEMU's exit code and stderr
/// (an infrastructure error); closing the console (finalize, cancel, a retry) stops QEMU.
/// </summary>
public sealed class ExecuteQemuAction() : PipelineAction("execute-qemu")
{
    /// <summary>The boot method, and the device configuration's method block, this action serves.</summary>
    public const string Method = "qemu";

    /// <summary>The job overlay as a cpio archive in the job directory (written here when the test deploy has not).</summary>
    public const string OverlayFile = "overlay.cpio";

    /// <summary>QEMU's stderr in the job directory.</summary>
    public const string StderrFile = "qemu.stderr";

    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    /// <summary>LAVA's error for a <see cref="QemuException"/>, by its error type.</summary>
    public static LavaError ToLavaError(QemuException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return LavaError.OfType(e.ErrorType, e, "qemu");
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        deadline.ThrowIfCancellationRequested();
        var context = scope.Context;
        await context.CloseConsoleAsync().ConfigureAwait(false); // a boot again stops the guest booted before
        var overlay = OverlayPath(context);
        QemuMachine machine;
        try
        {
            var command = QemuCommandLine.Build(context.Device.Get(), scope.Block, Images(context), context.JobDirectory, overlay);
            context.Info($"Boot command: {command}");
            machine = QemuMachine.Start(command, Path.Combine(context.JobDirectory, StderrFile));
        }
        catch (QemuException e)
        {
            throw ToLavaError(e);
        }
        context.Console = new ConsoleExpect(machine.Console, context, new ConsoleExpectOptions(), context.Clock);
        context.Debug("started a shell command");
        context.OverlayOnDevice |= overlay is not null;
        scope.Extra["connection"] = machine.Console.Description;
    }

    // The deployed files in the order the job's deploy actions name them, with their image_arg.
    private static List<QemuImage> Images(PipelineContext context)
    {
        var declared = new List<(string Label, string? ImageArg)>();
        foreach (var deploy in context.Job.Actions.Where(a => a.Type == "deploy"))
        {
            foreach (var (key, value) in deploy.Block)
            {
                if (key is "images" && value is OrderedDictionary<object, object?> map)
                {
                    declared.AddRange(map.Select(kv => (kv.Key.ToString()!, ImageArg(kv.Value))));
                }
                else if (value is OrderedDictionary<object, object?> image && image.ContainsKey("url"))
                {
                    declared.Add((key.ToString()!, ImageArg(image)));
                }
            }
        }
        return [.. context.Downloads
            .OrderBy(d => declared.FindIndex(x => x.Label == d.Key) is var at and >= 0 ? at : int.MaxValue)
            .Select(d => new QemuImage(d.Key, Path.GetFullPath(Path.Combine(context.JobDirectory, d.Value)), declared.LastOrDefault(x => x.Label == d.Key).ImageArg))];
    }

    private static string? ImageArg(object? image) =>
        (image as OrderedDictionary<object, object?>)?.GetValueOrDefault("image_arg") as string;

    private static string? OverlayPath(PipelineContext context)
    {
        if (context.Overlay is not { } overlay)
        {
            return null;
        }
        var path = Path.Combine(context.JobDirectory, OverlayFile);
        if (!File.Exists(path))
        {
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, overlay.ToCpio());
            File.Move(temporary, path, overwrite: true);
        }
        return path;
    }
}
