namespace Lava.Actors.Jobs.Definition;

/// <summary>A LAVA duration (<c>{days|hours|minutes|seconds: n, skip: bool}</c>) and whether timing out is skipped.</summary>
public sealed record JobTimeout(TimeSpan Duration, bool Skip = false)
{
    /// <summary>LAVA's <c>ACTION_TIMEOUT</c>: what a zero duration and a missing timeout mean.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>Reads a duration map; a zero total means the 30 s default, as <c>Timeout.parse</c> does.</summary>
    public static JobTimeout FromTree(object? tree)
    {
        var seconds = JobTimeouts.Seconds(tree);
        var skip = tree is OrderedDictionary<object, object?> map && map.GetValueOrDefault("skip") is true;
        return new JobTimeout(TimeSpan.FromSeconds(seconds), skip);
    }
}

/// <summary>
/// The <c>timeouts</c> block of a job (or of a device: then <see cref="Job"/> is unused) and LAVA's precedence
/// for the timeout of one pipeline action (spec §1.3).
/// </summary>
public sealed record JobTimeouts(
    JobTimeout Job,
    JobTimeout? Action,
    JobTimeout? Connection,
    IReadOnlyDictionary<string, JobTimeout> Actions,
    IReadOnlyDictionary<string, JobTimeout> Connections)
{
    public static JobTimeouts FromTree(OrderedDictionary<object, object?> tree)
    {
        static IReadOnlyDictionary<string, JobTimeout> Named(object? value) =>
            (value as OrderedDictionary<object, object?> ?? []).ToDictionary(kv => kv.Key.ToString()!, kv => JobTimeout.FromTree(kv.Value));

        return new JobTimeouts(
            JobTimeout.FromTree(tree.GetValueOrDefault("job")),
            tree.GetValueOrDefault("action") is { } action ? JobTimeout.FromTree(action) : null,
            tree.GetValueOrDefault("connection") is { } connection ? JobTimeout.FromTree(connection) : null,
            Named(tree.GetValueOrDefault("actions")),
            Named(tree.GetValueOrDefault("connections")));
    }

    /// <summary>
    /// The timeout of the pipeline action named <paramref name="actionName"/>: later wins among the device's
    /// then the job's <c>action</c>, the device's then the job's <c>actions.N</c>, the action block's own
    /// <c>timeout</c>, and the block's <c>timeouts.N</c>; 30 s when nothing applies.
    /// </summary>
    public JobTimeout ForAction(string actionName, OrderedDictionary<object, object?>? block = null, JobTimeouts? device = null)
    {
        var result = device?.Action ?? new JobTimeout(JobTimeout.Default);
        result = Action ?? result;
        result = device?.Actions.GetValueOrDefault(actionName) ?? result;
        result = Actions.GetValueOrDefault(actionName) ?? result;
        if (block?.GetValueOrDefault("timeout") is { } own)
        {
            result = JobTimeout.FromTree(own);
        }
        if ((block?.GetValueOrDefault("timeouts") as OrderedDictionary<object, object?>)?.GetValueOrDefault(actionName) is { } named)
        {
            result = JobTimeout.FromTree(named);
        }
        return result;
    }

    /// <summary>The connection timeout inside the action named <paramref name="actionName"/>: device then job
    /// <c>connection</c>, then device then job <c>connections.N</c>; 30 s when nothing applies.</summary>
    public JobTimeout ForConnection(string actionName, JobTimeouts? device = null) =>
        Connections.GetValueOrDefault(actionName)
        ?? device?.Connections.GetValueOrDefault(actionName)
        ?? Connection
        ?? device?.Connection
        ?? new JobTimeout(JobTimeout.Default);

    /// <summary>Seconds of a duration map, summing every unit given; 0 total or no map means 30.</summary>
    internal static double Seconds(object? tree)
    {
        if (tree is not OrderedDictionary<object, object?> map)
        {
            return JobTimeout.Default.TotalSeconds;
        }
        double Unit(string name) => Python.AsNumber(map.GetValueOrDefault(name)) ?? 0;
        var total = Unit("days") * 86400 + Unit("hours") * 3600 + Unit("minutes") * 60 + Unit("seconds");
        return total == 0 ? JobTimeout.Default.TotalSeconds : total;
    }
}
