using Lava.Devices.Consoles;

namespace Lava.Devices.Qemu;

/// <summary>
/// The QEMU command of a <c>boot: method: qemu</c> action, as LAVA's <c>CallQemuAction</c> builds it: the device
/// configuration's <c>actions.boot.methods.qemu.parameters</c> (<c>command</c>, then each of <c>options</c>, then
/// <c>extra</c>), then each deployed image's <c>image_arg</c> with <c>{label}</c> replaced by that image's path. The
/// job context (<c>arch</c>, <c>memory</c>, <c>no_kvm</c>, <c>extra_options</c>...) acts through the device template
/// rendered with it, so it is already in the configuration. Each text is split into words as a shell would (LAVA
/// hands the joined command to pexpect); a path is substituted into a word after splitting, so it may hold spaces.
/// The job's overlay, a cpio archive, is appended to the initrd (Linux unpacks concatenated archives), which puts it
/// at <c>/lava-JOBID/</c> in the guest. So that the console is QEMU's stdio and a guest reboot ends QEMU, what the
/// configuration lacks is added: <c>-nographic</c> (or <c>-serial stdio</c> beside another display), <c>-no-reboot</c>,
/// and <c>-append console=ttyS0,115200</c> for a kernel without a command line.
/// </summary>
public static class QemuCommandLine
{
    /// <summary>The file in the job directory holding the initrd with the overlay appended.</summary>
    public const string InitrdWithOverlay = "initrd-with-overlay";

    private const string DefaultAppend = "console=ttyS0,115200";

    /// <summary>
    /// Builds the command for <paramref name="bootAction"/> (the job's boot block) on a device whose rendered
    /// configuration is <paramref name="deviceConfiguration"/>, booting <paramref name="images"/> (deploy order).
    /// With <paramref name="overlayPath"/>, writes <see cref="InitrdWithOverlay"/> into <paramref name="jobDirectory"/>
    /// and boots that as the initrd. Throws <see cref="QemuException"/>: <c>Job</c> for a boot or images that cannot
    /// be booted this way, <c>Configuration</c> for a device configuration without a qemu command.
    /// </summary>
    public static QemuCommand Build(
        object? deviceConfiguration,
        IReadOnlyDictionary<object, object?> bootAction,
        IReadOnlyList<QemuImage> images,
        string jobDirectory,
        string? overlayPath = null)
    {
        ArgumentNullException.ThrowIfNull(bootAction);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrEmpty(jobDirectory);
        CheckBoot(bootAction);

        var parameters = Child(Child(Child(Child(Child(deviceConfiguration, "actions"), "boot"), "methods"), "qemu"), "parameters")
            ?? throw QemuException.Configuration("the device configuration has no actions.boot.methods.qemu.parameters");
        var program = (Child(parameters, "command") as string)?.Trim();
        if (string.IsNullOrEmpty(program))
        {
            throw QemuException.Configuration("the device configuration's qemu parameters have no command");
        }

        var arguments = new List<string>();
        foreach (var option in Texts(Child(parameters, "options"), "options"))
        {
            arguments.AddRange(Split(option, "an option of the device's qemu method", QemuException.Configuration));
        }
        foreach (var extra in Texts(Child(parameters, "extra"), "extra"))
        {
            arguments.AddRange(Split(extra, "an extra option of the device's qemu method", QemuException.Configuration));
        }

        var booted = overlayPath is null ? images : WithOverlay(images, jobDirectory, overlayPath);
        foreach (var image in booted.Where(i => i.ImageArg is not null))
        {
            foreach (var word in Split(image.ImageArg!, $"the image_arg of '{image.Label}'", QemuException.Job))
            {
                arguments.Add(booted.Aggregate(word, (text, other) => text.Replace("{" + other.Label + "}", other.Path, StringComparison.Ordinal)));
            }
        }

        AddConsoleAndReboot(arguments);
        return new QemuCommand(program, arguments);
    }

    /// <summary>
    /// Writes <paramref name="initrdPath"/> then <paramref name="overlayPath"/> into <paramref name="outputPath"/>,
    /// zero-padded between them to 4 bytes: Linux looks for an uncompressed archive's header only at such an offset
    /// and skips the zeros.
    /// </summary>
    public static void AppendOverlay(string initrdPath, string overlayPath, string outputPath)
    {
        var temporary = outputPath + ".tmp";
        try
        {
            using (var output = File.Create(temporary))
            {
                using (var initrd = File.OpenRead(initrdPath))
                {
                    initrd.CopyTo(output);
                }
                output.Write(new byte[(4 - (output.Length & 3)) & 3]);
                using var overlay = File.OpenRead(overlayPath);
                overlay.CopyTo(output);
            }
            File.Move(temporary, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void CheckBoot(IReadOnlyDictionary<object, object?> bootAction)
    {
        if (bootAction.GetValueOrDefault("method") is not "qemu")
        {
            throw QemuException.Job($"boot method '{bootAction.GetValueOrDefault("method")}' is not qemu");
        }
        if (bootAction.GetValueOrDefault("media") is { } media && media is not "tmpfs")
        {
            throw QemuException.Job($"qemu boot media '{media}' is not supported: only tmpfs is");
        }
    }

    private static List<QemuImage> WithOverlay(IReadOnlyList<QemuImage> images, string jobDirectory, string overlayPath)
    {
        var initrd = images.FirstOrDefault(i => i.Label == "initrd" && i.ImageArg is not null)
            ?? throw QemuException.Job("the job's test overlay needs an initrd image with an image_arg to be appended to");
        var combined = Path.Combine(jobDirectory, InitrdWithOverlay);
        try
        {
            AppendOverlay(initrd.Path, overlayPath, combined);
        }
        catch (IOException e)
        {
            throw QemuException.Infrastructure($"cannot append the overlay to the initrd: {e.Message}");
        }
        return [.. images.Select(i => i == initrd ? i with { Path = combined } : i)];
    }

    private static void AddConsoleAndReboot(List<string> arguments)
    {
        if (!arguments.Contains("-nographic"))
        {
            if (!arguments.Contains("-serial"))
            {
                arguments.AddRange(["-serial", "stdio"]);
            }
            if (!arguments.Contains("-display"))
            {
                arguments.AddRange(["-display", "none"]);
            }
            if (!arguments.Contains("-monitor"))
            {
                arguments.AddRange(["-monitor", "none"]);
            }
        }
        if (!arguments.Contains("-no-reboot"))
        {
            arguments.Add("-no-reboot");
        }
        if (arguments.Contains("-kernel") && !arguments.Contains("-append"))
        {
            arguments.AddRange(["-append", DefaultAppend]);
        }
    }

    private static IReadOnlyList<string> Split(string text, string what, Func<string, QemuException> error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        try
        {
            return ConnectionCommand.Parse(text).Arguments;
        }
        catch (FormatException e)
        {
            throw error($"{what} cannot be split into words: {e.Message}");
        }
    }

    // LAVA iterates options and extra as lists; a single text is taken as one entry, not character by character.
    private static IEnumerable<string> Texts(object? node, string key) => node switch
    {
        null => [],
        string text => [text],
        IEnumerable<object?> list => list.Select(item => item switch
        {
            string text => text,
            bool or long or int or double => Convert.ToString(item, System.Globalization.CultureInfo.InvariantCulture)!,
            _ => throw QemuException.Configuration($"the qemu parameter '{key}' holds {item ?? "null"}, not a text"),
        }),
        _ => throw QemuException.Configuration($"the qemu parameter '{key}' is neither a text nor a list"),
    };

    private static object? Child(object? node, string key) => node switch
    {
        IReadOnlyDictionary<string, object?> map => map.GetValueOrDefault(key),
        IReadOnlyDictionary<object, object?> map => map.GetValueOrDefault(key),
        _ => null,
    };
}
