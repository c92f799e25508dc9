using System.Globalization;
using Lava.Actors.Jobs.Definition;
using Lava.Devices.TestShell;

namespace Lava.Devices.Pipeline.Test;

/// <summary>
/// Builds the job's lava-test-shell overlay once, as LAVA's <c>lava-overlay</c> does in the deploy stage: fetches the
/// definitions of every test action (one stage per test action, in job order, numbered across the job) into the job directory, lays the
/// overlay out at the device's <c>lava_test_results_dir</c> with the job's secrets, environment and MultiNode place,
/// keeps it in <see cref="PipelineContext.Overlay"/> and writes <see cref="TarGzFile"/> and <see cref="CpioFile"/>
/// next to the job's downloads (the worker serves them; a QEMU boot appends the cpio to its initrd).
/// </summary>
public static class JobOverlay
{
    /// <summary>The overlay as a gzipped tar, in the job directory.</summary>
    public const string TarGzFile = "overlay.tar.gz";

    /// <summary>The overlay as an uncompressed cpio newc archive, in the job directory.</summary>
    public const string CpioFile = "overlay.cpio";

    /// <summary>LAVA's default <c>lava_test_results_dir</c>.</summary>
    public const string DefaultResultsDirectory = "/lava-%s";

    /// <summary>Whether the job has a test action (and so needs an overlay).</summary>
    public static bool IsNeeded(JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Actions.Any(a => a.Type == "test");
    }

    /// <summary>The stage of the test action whose block is <paramref name="block"/>: its index among the job's test actions.</summary>
    public static int StageOf(JobDefinition job, OrderedDictionary<object, object?> block)
    {
        ArgumentNullException.ThrowIfNull(job);
        var tests = job.Actions.Where(a => a.Type == "test").ToList();
        var stage = tests.FindIndex(a => ReferenceEquals(a.Block, block));
        return stage >= 0 ? stage : throw new InvalidOperationException("The block is not one of the job's test actions");
    }

    /// <summary>Builds the overlay into <paramref name="context"/> unless it is there already; returns it.</summary>
    /// <exception cref="LavaError">A definition cannot be fetched or is invalid (LAVA's error types).</exception>
    public static async Task<Overlay> EnsureAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Overlay is { } built)
        {
            return built;
        }
        var source = new TestDefinitionSource();
        var stages = new List<IReadOnlyList<TestDefinition>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var work = Path.Combine(context.JobDirectory, "tests");
        foreach (var test in context.Job.Actions.Where(a => a.Type == "test"))
        {
            var fetched = new List<TestDefinition>();
            // Numbered across the job, as LAVA's suites are: 0_first, 1_second in the next test action...
            foreach (var entry in test.Block.GetValueOrDefault("definitions") as List<object?> ?? [])
            {
                if (entry is not OrderedDictionary<object, object?> map)
                {
                    throw new JobError($"Invalid test definition entry in test action {stages.Count}: not a map");
                }
                var index = names.Count;
                var definition = await TestShellErrors.MapAsync(() => source.FetchAsync(index, map, work, cancellationToken)).ConfigureAwait(false);
                if (!names.Add(definition.Name))
                {
                    throw new JobError($"Test definition names need to be unique: '{definition.Name}' is used twice");
                }
                context.Info($"Test definition {definition.RunName} ({definition.From} {definition.Repository} {definition.Path}) in stage {stages.Count}");
                fetched.Add(definition);
            }
            stages.Add(fetched);
        }
        var overlay = Overlay.Build(Options(context), [.. stages]);
        await File.WriteAllBytesAsync(Path.Combine(context.JobDirectory, TarGzFile), overlay.ToTarGz(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(context.JobDirectory, CpioFile), overlay.ToCpio(), cancellationToken).ConfigureAwait(false);
        context.Overlay = overlay;
        context.OverlayOnDevice = false;
        context.Info($"Overlay for {stages.Count} test stage(s) at {overlay.Root}: {TarGzFile}, {CpioFile}");
        return overlay;
    }

    /// <summary>The overlay's options for the job on the device: <c>lava_test_results_dir</c> (LAVA's posix constant), secrets, environment, MultiNode place.</summary>
    public static OverlayOptions Options(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobId = context.JobId.ToString(CultureInfo.InvariantCulture);
        return new OverlayOptions
        {
            JobId = jobId,
            ResultsDirectory = DeviceConfiguration.Text(context.Device.Constant("lava_test_results_dir", "posix")) is { Length: > 0 } dir ? dir : DefaultResultsDirectory,
            Environment = [.. context.Job.Environment.Select(kv => KeyValuePair.Create(Text(kv.Key), Text(kv.Value)))],
            Secrets = [.. context.Job.Secrets],
            Multinode = MultinodeOf(context, jobId),
        };
    }

    // The group as the master sent it (run.json); else, without the members, the role in job.yaml's
    // protocols.lava-multinode (JobDefinition keeps no protocols).
    private static MultinodeInfo? MultinodeOf(PipelineContext context, string jobId)
    {
        if (context.MultinodeGroup is { } group) return group;
        var file = Path.Combine(context.JobDirectory, "job.yaml");
        if (!File.Exists(file)
            || JobDefinitionParser.Parse(File.ReadAllText(file)) is not OrderedDictionary<object, object?> tree
            || (tree.GetValueOrDefault("protocols") as OrderedDictionary<object, object?>)?.GetValueOrDefault("lava-multinode") is not OrderedDictionary<object, object?> multinode
            || multinode.GetValueOrDefault("role") is not string role)
        {
            return null;
        }
        return new MultinodeInfo(jobId, role, []);
    }

    private static string Text(object? value) => DeviceConfiguration.Text(value) ?? "";
}
