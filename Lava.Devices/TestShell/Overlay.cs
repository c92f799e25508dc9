using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using YamlDotNet.Serialization;
using Lava.Devices.Archives;

namespace Lava.Devices.TestShell;

/// <summary>One file or directory of an <see cref="Overlay"/>, its path relative to the overlay's root.</summary>
public sealed record OverlayEntry(string Path, byte[]? Content, UnixFileMode Mode)
{
    /// <summary>Whether this is a directory (no content).</summary>
    public bool IsDirectory => Content is null;
}

/// <summary>
/// The lava-test-shell overlay (§6.2) laid out as LAVA lays it out under <c>lava_test_results_dir</c>: <c>bin/</c>
/// with the helpers and <c>lava-test-runner</c> (our own POSIX sh scripts), <c>environment</c>, <c>secrets</c>,
/// <c>multinode/</c> for a MultiNode job, and per test action (stage) N a directory <c>N/</c> holding
/// <c>lava-test-runner.conf</c> and <c>tests/I_name/</c> per definition with <c>run.sh</c>, <c>install.sh</c> when
/// there is something to install, <c>testdef.yaml</c>, <c>uuid</c> and the repository's files. Paths inside are
/// relative, so the same tree works at any root. Parse patterns are applied by the dispatcher side
/// (<see cref="TestShellSession"/>), as in LAVA. Written as a directory, a gzipped tar or a cpio newc archive.
/// </summary>
public sealed class Overlay
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Regular = (UnixFileMode)0b110_100_100;

    private static readonly string[] Helpers =
    [
        "lava-test-runner", "lava-test-shell", "lava-test-case", "lava-test-set", "lava-test-raise", "lava-test-reference",
        "lava-test-event", "lava-test-feedback", "lava-background-process-start", "lava-background-process-stop",
        "lava-echo-ipv4", "lava-target-ip", "lava-target-mac", "lava-install-packages", "lava-os-build",
        "lava-multi-node-call", "lava-send", "lava-wait", "lava-wait-all", "lava-sync", "lava-role", "lava-group", "lava-self",
    ];

    private readonly SortedDictionary<string, OverlayEntry> _entries = new(StringComparer.Ordinal);

    private Overlay(string root, IReadOnlyList<IReadOnlyList<TestDefinition>> stages)
    {
        Root = root;
        Stages = stages;
    }

    /// <summary>The overlay's root on the board (absolute or relative to the shell's directory).</summary>
    public string Root { get; }

    /// <summary>The definitions of each stage (test action), by stage number.</summary>
    public IReadOnlyList<IReadOnlyList<TestDefinition>> Stages { get; }

    /// <summary>Every entry, parents before children.</summary>
    public IReadOnlyList<OverlayEntry> Entries => [.. _entries.Values];

    /// <summary>
    /// Builds the overlay for <paramref name="stages"/>: the definitions of the job's first test action, then of its
    /// second, and so on.
    /// </summary>
    public static Overlay Build(OverlayOptions options, params IReadOnlyList<TestDefinition>[] stages)
    {
        ArgumentNullException.ThrowIfNull(options);
        var overlay = new Overlay(options.Root, stages);
        foreach (var helper in Helpers)
        {
            overlay.Add($"bin/{helper}", Script(helper), Executable);
        }
        overlay.Add("environment", Exports(options.Environment), Regular);
        overlay.Add("secrets", Exports(options.Secrets), (UnixFileMode)0b110_000_000);
        if (options.Multinode is { } group)
        {
            overlay.Add("multinode/self", group.Self + "\n", Regular);
            overlay.Add("multinode/role", group.Role + "\n", Regular);
            overlay.Add("multinode/group", string.Concat(group.Group.Select(m => $"{m.Key}\t{m.Value}\n")), Regular);
        }
        for (var stage = 0; stage < stages.Length; stage++)
        {
            overlay.Add($"{stage}/lava-test-runner.conf", string.Concat(stages[stage].Select(d => $"tests/{d.RunName}\n")), Regular);
            foreach (var definition in stages[stage])
            {
                overlay.AddDefinition($"{stage}/tests/{definition.RunName}", definition, $"{options.JobId}_{stage}.{definition.Index}");
            }
        }
        return overlay;
    }

    /// <summary>The uuid the overlay gave <paramref name="definition"/>'s run (printed in its STARTRUN and ENDRUN).</summary>
    public string UuidOf(int stage, TestDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var entry = _entries[$"{stage}/tests/{definition.RunName}/uuid"];
        return Encoding.UTF8.GetString(entry.Content!).Trim();
    }

    /// <summary>The command that runs stage <paramref name="stage"/> (LAVA's <c>&lt;dir&gt;/bin/lava-test-runner &lt;dir&gt;/&lt;stage&gt;</c>).</summary>
    public string RunnerCommand(int stage) => $"{Root}/bin/lava-test-runner {Root}/{stage}";

    /// <summary>Writes the tree under <paramref name="baseDirectory"/> (the board's <c>/</c>, or its shell's directory for a relative root).</summary>
    public void WriteTo(string baseDirectory)
    {
        var root = Path.Combine(baseDirectory, Root.TrimStart('/'));
        foreach (var entry in _entries.Values)
        {
            var path = Path.Combine(root, entry.Path);
            if (entry.IsDirectory)
            {
                Directory.CreateDirectory(path);
                continue;
            }
            File.WriteAllBytes(path, entry.Content!);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, entry.Mode);
            }
        }
    }

    /// <summary>The tree as a gzipped tar whose paths start with the root without its leading slash (unpack at <c>/</c> or at the shell's directory).</summary>
    public byte[] ToTarGz()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, entry) in Archived())
            {
                var item = new UstarTarEntry(entry.IsDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, path)
                {
                    Mode = entry.Mode,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                if (!entry.IsDirectory)
                {
                    item.DataStream = new MemoryStream(entry.Content!, writable: false);
                }
                tar.WriteEntry(item);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The tree as a cpio newc archive (uncompressed) with the same paths, to append to an initramfs.</summary>
    public byte[] ToCpio()
    {
        using var buffer = new MemoryStream();
        using var cpio = new CpioWriter(buffer, leaveOpen: true);
        foreach (var (path, entry) in Archived())
        {
            if (entry.IsDirectory)
            {
                cpio.AddDirectory(path, (int)entry.Mode);
            }
            else
            {
                cpio.AddFile(path, entry.Content, (int)entry.Mode);
            }
        }
        cpio.Finish();
        return buffer.ToArray();
    }

    // Every entry with its archive path, the root's own directories first.
    private IEnumerable<(string Path, OverlayEntry Entry)> Archived()
    {
        var root = Root.Trim('/');
        var parts = root.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] is not ("." or ".."))
            {
                yield return (string.Join('/', parts[..(i + 1)]), new OverlayEntry("", null, Executable));
            }
        }
        foreach (var entry in _entries.Values)
        {
            yield return (root.Length == 0 ? entry.Path : $"{root}/{entry.Path}", entry);
        }
    }

    private void AddDefinition(string directory, TestDefinition definition, string uuid)
    {
        if (definition.RepositoryDirectory is { } checkout)
        {
            foreach (var file in Directory.EnumerateFiles(checkout, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(checkout, file).Replace('\\', '/');
                Add($"{directory}/{relative}", File.ReadAllBytes(file), OperatingSystem.IsWindows() ? Regular : File.GetUnixFileMode(file));
            }
        }
        Add($"{directory}/testdef.yaml", new SerializerBuilder().Build().Serialize(definition.Content), Regular);
        Add($"{directory}/uuid", uuid + "\n", Regular);
        Add($"{directory}/run.sh", TestScripts.RunScript(definition), Executable);
        if (TestScripts.InstallScript(definition) is { } install)
        {
            Add($"{directory}/install.sh", install, Executable);
        }
    }

    private void Add(string path, string content, UnixFileMode mode) => Add(path, Encoding.UTF8.GetBytes(content), mode);

    private void Add(string path, byte[] content, UnixFileMode mode)
    {
        var parent = path;
        while (parent.LastIndexOf('/') is var slash and > 0)
        {
            parent = parent[..slash];
            _entries.TryAdd(parent, new OverlayEntry(parent, null, Executable));
        }
        _entries[path] = new OverlayEntry(path, content, mode);
    }

    private static string Exports(IReadOnlyList<KeyValuePair<string, string>> variables) =>
        string.Concat(variables.Select(v => $"export {v.Key}={TreeText.ShellQuote(v.Value)}\n"));

    private static byte[] Script(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Lava.Devices.TestShell.Scripts.{name}")
            ?? throw new InvalidOperationException($"The helper script {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
