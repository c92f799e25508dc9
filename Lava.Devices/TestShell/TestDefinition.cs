namespace Lava.Devices.TestShell;

/// <summary>
/// One entry of a test action's <c>definitions</c>, fetched: its position and job name (the run is
/// <see cref="RunName"/>, <c>N_name</c>, LAVA's suite name), where it came from (LAVA's <c>repository</c>,
/// <c>path</c>, <c>revision</c> and <c>commit_id</c> of the <c>lava</c> result), the test definition file (§1.8) as
/// a tree, the directory holding the repository's files (a git checkout or a download; null for inline) and the
/// parameters: the file's <c>params</c> defaults and the job's <c>parameters</c>, as shell strings.
/// </summary>
public sealed record TestDefinition(
    int Index,
    string Name,
    string From,
    string Repository,
    string Path,
    string? Revision,
    string? CommitId,
    OrderedDictionary<object, object?> Content,
    string? RepositoryDirectory,
    IReadOnlyList<KeyValuePair<string, string>> DefaultParameters,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    IReadOnlyList<string> SkipInstall)
{
    /// <summary><c>N_name</c>: the test directory, the TESTRUN_ID and the results suite.</summary>
    public string RunName => $"{Index}_{Name}";

    /// <summary>The definition's <c>parse</c> block as a pattern, or null when it has none.</summary>
    public ParsePattern? Parse => ParsePattern.FromTestDefinition(Content);

    /// <summary>The <c>run: steps</c>, one shell line each.</summary>
    public IReadOnlyList<string> RunSteps => Steps(Section("run"), "steps");

    /// <summary>The <c>install</c> block, or an empty one.</summary>
    public OrderedDictionary<object, object?> Install => Section("install");

    internal static IReadOnlyList<string> Steps(OrderedDictionary<object, object?> section, string key) =>
        section.TryGetValue(key, out var steps) && steps is List<object?> list
            ? [.. list.Where(s => s is not null).Select(s => TreeText.Scalar(s))]
            : [];

    private OrderedDictionary<object, object?> Section(string key) =>
        Content.TryGetValue(key, out var value) && value is OrderedDictionary<object, object?> map ? map : [];
}
