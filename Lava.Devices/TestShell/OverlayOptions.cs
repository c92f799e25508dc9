namespace Lava.Devices.TestShell;

/// <summary>What an <see cref="Overlay"/> is built for: the job, where the overlay lives on the board, what it exports.</summary>
public sealed record OverlayOptions
{
    /// <summary>The job's id (in the root's name and the definitions' uuids).</summary>
    public required string JobId { get; init; }

    /// <summary>
    /// LAVA's <c>lava_test_results_dir</c>, <c>%s</c> standing for the job id: absolute as on a real board, or
    /// relative to the shell's working directory (the board simulator's shell runs as a normal user in a temporary
    /// directory).
    /// </summary>
    /// <value><c>/lava-%s</c> by default.</value>
    public string ResultsDirectory { get; init; } = "/lava-%s";

    /// <summary>Exported by the overlay's <c>environment</c> file before the tests run.</summary>
    /// <value>none by default.</value>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>The job's secrets, exported by the overlay's <c>secrets</c> file.</summary>
    /// <value>none by default.</value>
    public IReadOnlyList<KeyValuePair<string, string>> Secrets { get; init; } = [];

    /// <summary>The MultiNode group, read by <c>lava-role</c>, <c>lava-group</c> and <c>lava-self</c>; null for a single-node job.</summary>
    /// <value>null by default.</value>
    public MultinodeInfo? Multinode { get; init; }

    /// <summary>The overlay's root on the board.</summary>
    public string Root => ResultsDirectory.Replace("%s", JobId, StringComparison.Ordinal).TrimEnd('/');
}

/// <summary>A MultiNode job's place in its group: its own id and role, and every member's id and role.</summary>
public sealed record MultinodeInfo(string Self, string Role, IReadOnlyList<KeyValuePair<string, string>> Group);
