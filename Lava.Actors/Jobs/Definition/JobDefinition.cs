namespace Lava.Actors.Jobs.Definition;

/// <summary>Who may view a job: <c>public</c>, <c>personal</c> (the submitter) or the members of <see cref="Groups"/>.</summary>
public sealed record JobVisibility(JobVisibilityKind Kind, IReadOnlyList<string> Groups)
{
    public static readonly JobVisibility Public = new(JobVisibilityKind.Public, []);
    public static readonly JobVisibility Personal = new(JobVisibilityKind.Personal, []);

    /// <summary>As <c>scheduler.jobs.show</c> renders it: <c>Public</c>, <c>Personal</c> or <c>Group (a, b)</c>.</summary>
    public override string ToString() => Kind switch
    {
        JobVisibilityKind.Public => "Public",
        JobVisibilityKind.Personal => "Personal",
        _ => $"Group ({string.Join(", ", Groups)})",
    };
}

public enum JobVisibilityKind
{
    Public,
    Personal,
    Group,
}

/// <summary>One role of a MultiNode job: a real device (<see cref="DeviceType"/>) or a secondary connection
/// (<see cref="Connection"/>) run over the device of <see cref="HostRole"/>.</summary>
public sealed record MultinodeRole(
    string Name,
    string? DeviceType,
    string? Connection,
    int Count,
    string? HostRole,
    string? ExpectRole,
    bool Essential,
    IReadOnlyList<string> Tags,
    OrderedDictionary<object, object?> Context,
    OrderedDictionary<object, object?> Environment,
    JobTimeout? Timeout);

/// <summary>One entry of <c>actions</c>: its type (<c>deploy</c>, <c>boot</c>, <c>test</c> or <c>command</c>) and its block.</summary>
public sealed record JobAction(string Type, OrderedDictionary<object, object?> Block);

/// <summary>
/// The common parts of a LAVA v2 job definition. Build it with <see cref="FromTree"/> from a tree that
/// <see cref="SubmissionSchema"/> accepted; the actions stay trees.
/// </summary>
public sealed record JobDefinition(
    string Name,
    string? DeviceType,
    int Priority,
    JobVisibility Visibility,
    JobTimeouts Timeouts,
    IReadOnlyList<string> Tags,
    OrderedDictionary<object, object?> Context,
    OrderedDictionary<object, object?> Metadata,
    IReadOnlyDictionary<string, string> Secrets,
    OrderedDictionary<object, object?> Environment,
    JobTimeout? MultinodeTimeout,
    IReadOnlyList<MultinodeRole> Roles,
    IReadOnlyList<JobAction> Actions)
{
    /// <summary>LAVA's default priority, <c>medium</c>.</summary>
    public const int DefaultPriority = 50;

    public bool IsMultinode => Roles.Count > 0;

    /// <summary>Reads an accepted tree. Throws <see cref="ArgumentException"/> for a priority LAVA refuses after the
    /// schema: "Invalid job priority: 101. Should be in [0, 100]".</summary>
    public static JobDefinition FromTree(OrderedDictionary<object, object?> tree)
    {
        var multinode = (tree.GetValueOrDefault("protocols") as OrderedDictionary<object, object?>)?.GetValueOrDefault("lava-multinode")
            as OrderedDictionary<object, object?>;
        return new JobDefinition(
            (string)tree["job_name"]!,
            tree.GetValueOrDefault("device_type") as string,
            ParsePriority(tree.GetValueOrDefault("priority")),
            ParseVisibility(tree["visibility"]),
            JobTimeouts.FromTree((OrderedDictionary<object, object?>)tree["timeouts"]!),
            Strings(tree.GetValueOrDefault("tags")),
            Map(tree.GetValueOrDefault("context")),
            Map(tree.GetValueOrDefault("metadata")),
            Map(tree.GetValueOrDefault("secrets")).ToDictionary(kv => Text(kv.Key), kv => Text(kv.Value)),
            Map(tree.GetValueOrDefault("environment")),
            multinode?.GetValueOrDefault("timeout") is { } timeout ? JobTimeout.FromTree(timeout) : null,
            Map(multinode?.GetValueOrDefault("roles")).Select(kv => ParseRole(Text(kv.Key), Map(kv.Value))).ToList(),
            ((List<object?>)tree["actions"]!).OfType<OrderedDictionary<object, object?>>().Where(a => a.Count > 0)
                .Select(a => new JobAction(Text(a.GetAt(0).Key), Map(a.GetAt(0).Value))).ToList());
    }

    /// <summary><c>high</c>/<c>medium</c>/<c>low</c> (any case) = 100/50/0, an integer 0..100 as is, absent = 50.</summary>
    public static int ParsePriority(object? value) => value switch
    {
        null => DefaultPriority,
        string s when s.Equals("high", StringComparison.OrdinalIgnoreCase) => 100,
        string s when s.Equals("medium", StringComparison.OrdinalIgnoreCase) => 50,
        string s when s.Equals("low", StringComparison.OrdinalIgnoreCase) => 0,
        _ when Python.IsInt(value) && Python.AsNumber(value) is >= 0 and <= 100 and var n => (int)n,
        _ => throw new ArgumentException($"Invalid job priority: {Python.Repr(value)}. Should be in [0, 100]", nameof(value)),
    };

    public static JobVisibility ParseVisibility(object? value) => value switch
    {
        "public" => JobVisibility.Public,
        "personal" => JobVisibility.Personal,
        OrderedDictionary<object, object?> map => new JobVisibility(JobVisibilityKind.Group, Strings(map.GetValueOrDefault("group"))),
        _ => throw new ArgumentException($"Invalid visibility: {Python.Repr(value)}", nameof(value)),
    };

    private static MultinodeRole ParseRole(string name, OrderedDictionary<object, object?> role) => new(
        name,
        role.GetValueOrDefault("device_type") as string,
        role.GetValueOrDefault("connection") as string,
        Python.AsNumber(role.GetValueOrDefault("count")) is { } count ? (int)count : 0,
        role.GetValueOrDefault("host_role") as string,
        role.GetValueOrDefault("expect_role") as string,
        role.GetValueOrDefault("essential") is true,
        Strings(role.GetValueOrDefault("tags")),
        Map(role.GetValueOrDefault("context")),
        Map(role.GetValueOrDefault("environment")),
        role.GetValueOrDefault("timeout") is { } timeout ? JobTimeout.FromTree(timeout) : null);

    private static OrderedDictionary<object, object?> Map(object? value) => value as OrderedDictionary<object, object?> ?? [];

    private static List<string> Strings(object? value) => (value as List<object?> ?? []).Select(Text).ToList();

    private static string Text(object? value) => value as string ?? Python.Repr(value);
}
