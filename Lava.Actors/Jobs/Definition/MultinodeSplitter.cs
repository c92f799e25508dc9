using Lava.Actors.Yaml;

namespace Lava.Actors.Jobs.Definition;

/// <summary>A MultiNode submission LAVA would refuse to split; the message is LAVA's where it has one.</summary>
public sealed class MultinodeSplitException(string message) : Exception(message);

/// <summary>
/// One job of a split MultiNode submission: one instance of one role.
/// </summary>
/// <param name="SubId">Its index in the group (<c>N.SubId</c>), counted across roles in definition order.</param>
/// <param name="Role">The role's name.</param>
/// <param name="DeviceType">The role's device type, or null for a secondary connection.</param>
/// <param name="Connection">The secondary connection (<c>ssh</c>) run over <see cref="HostRole"/>'s device, or null.</param>
/// <param name="HostRole">The role whose device a secondary connection uses, or null.</param>
/// <param name="Tags">Tags the device must carry (LAVA keeps them in the job's <c>lava-multinode</c> block).</param>
/// <param name="Context">The role's <c>context</c>, lifted to the job's top level.</param>
/// <param name="Essential">True when this role ending Incomplete or canceled cancels the group.</param>
/// <param name="MultinodeTimeout">The <c>lava-multinode</c> timeout of this job (the protocol's, else the role's), or null.</param>
/// <param name="Tree">The job's own definition.</param>
/// <param name="Definition">The job's own definition as LAVA stores it (PyYAML's safe_dump: block style, sorted keys).</param>
public sealed record RoleJob(
    int SubId,
    string Role,
    string? DeviceType,
    string? Connection,
    string? HostRole,
    IReadOnlyList<string> Tags,
    OrderedDictionary<object, object?> Context,
    bool Essential,
    JobTimeout? MultinodeTimeout,
    OrderedDictionary<object, object?> Tree,
    string Definition)
{
    /// <summary>False for a secondary connection, which runs over its host role's device and needs none.</summary>
    public bool DeviceBacked => Connection is null;
}

/// <summary>
/// Splits a MultiNode submission as LAVA 2023.01's <c>split_multinode_yaml</c> does, for a tree the submission schema
/// accepted. Each job keeps <c>job_name, timeouts, priority, visibility, notify, metadata, reboot_to_fastboot</c>, takes
/// its role's <c>device_type, connection, host_role, context</c>, only the actions whose <c>role</c> names its role (with
/// <c>role</c> set to that one role), and a <c>lava-multinode</c> block (<c>target_group, role, group_size, sub_id</c>,
/// the role's other keys, then the protocol's own keys); <c>lava-vland</c> and <c>lava-lxc</c> entries of its role follow.
/// LAVA drops top-level <c>secrets</c>, <c>tags</c> and <c>environment</c> here, and so does this. A role of count 0
/// gets no job. Throws <see cref="MultinodeSplitException"/> for a group that cannot be split.
/// </summary>
public static class MultinodeSplitter
{
    private static readonly string[] Copied = ["job_name", "timeouts", "priority", "visibility", "notify", "metadata", "reboot_to_fastboot"];
    private static readonly string[] Scheduling = ["device_type", "connection", "host_role", "context"];

    /// <param name="tree">The submission, accepted by <see cref="SubmissionSchema"/>.</param>
    /// <param name="targetGroup">The group's label for the coordinator (LAVA: a fresh UUID per submission).</param>
    public static IReadOnlyList<RoleJob> Split(OrderedDictionary<object, object?> tree, string targetGroup)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentException.ThrowIfNullOrEmpty(targetGroup);
        var protocols = tree.GetValueOrDefault("protocols") as OrderedDictionary<object, object?>;
        var multinode = protocols?.GetValueOrDefault("lava-multinode") as OrderedDictionary<object, object?>
            ?? throw new MultinodeSplitException("required key not provided @ data['protocols']['lava-multinode']");
        var roles = multinode.GetValueOrDefault("roles") as OrderedDictionary<object, object?>
            ?? throw new MultinodeSplitException("required key not provided @ data['protocols']['lava-multinode']['roles']");
        var counts = roles.ToDictionary(r => r.Key, r => CheckRole(r.Key, r.Value));
        var actions = ActionsByRole(tree, roles);
        CheckGroup(protocols!, roles, counts, actions);

        var groupSize = counts.Values.Sum();
        var jobs = new List<RoleJob>();
        foreach (var (name, value) in roles)
        {
            var role = (OrderedDictionary<object, object?>)value!;
            for (var instance = 0; instance < counts[name]; instance++)
            {
                var job = Job(tree, protocols!, multinode, (string)name, role, actions[name], targetGroup, groupSize, jobs.Count);
                var parameters = (OrderedDictionary<object, object?>)((OrderedDictionary<object, object?>)job["protocols"]!)["lava-multinode"]!;
                jobs.Add(new RoleJob(
                    jobs.Count, (string)name,
                    role.GetValueOrDefault("device_type") as string,
                    role.GetValueOrDefault("connection") as string,
                    role.GetValueOrDefault("host_role") as string,
                    (role.GetValueOrDefault("tags") as List<object?> ?? []).Select(t => t as string ?? Python.Repr(t)).ToList(),
                    Copy(role.GetValueOrDefault("context")) as OrderedDictionary<object, object?> ?? [],
                    role.GetValueOrDefault("essential") is true,
                    parameters.GetValueOrDefault("timeout") is { } timeout ? JobTimeout.FromTree(timeout) : null,
                    job,
                    PyYamlDumper.Dump(job)));
            }
        }
        return jobs.Count > 0 ? jobs : throw new MultinodeSplitException("Unable to split multinode job submission.");
    }

    private static int CheckRole(object name, object? value)
    {
        var path = $"data['protocols']['lava-multinode']['roles'][{Python.Repr(name)}]";
        if (name is not string || value is not OrderedDictionary<object, object?> role)
        {
            throw new MultinodeSplitException($"expected a dictionary @ {path}");
        }
        if (role.ContainsKey("device_type") && role.ContainsKey("connection"))
        {
            throw new MultinodeSplitException("lava-multinode protocol cannot support device_type and connection for a single role.");
        }
        if (role.ContainsKey("connection") && !role.ContainsKey("host_role"))
        {
            throw new MultinodeSplitException("connection specified without a host_role");
        }
        if (!role.ContainsKey("device_type") && !role.ContainsKey("connection"))
        {
            throw new MultinodeSplitException($"required key not provided @ {path}['device_type']");
        }
        if (!role.TryGetValue("count", out var count))
        {
            throw new MultinodeSplitException($"required key not provided @ {path}['count']");
        }
        if (Rules.All(Rules.Int, Rules.Range(min: 0))([], count) is { } invalid)
        {
            throw new MultinodeSplitException($"{invalid.Message} @ {path}['count']");
        }
        return (int)Python.AsNumber(count)!.Value;
    }

    // Every action needs a role list; LAVA ignores a name that is no role, which leaves a typo's role without its
    // actions, so such a name is refused here.
    private static Dictionary<object, List<OrderedDictionary<object, object?>>> ActionsByRole(
        OrderedDictionary<object, object?> tree, OrderedDictionary<object, object?> roles)
    {
        var byRole = roles.Keys.ToDictionary(r => r, _ => new List<OrderedDictionary<object, object?>>());
        var list = (List<object?>)tree["actions"]!;
        for (var index = 0; index < list.Count; index++)
        {
            var action = (OrderedDictionary<object, object?>)list[index]!;
            foreach (var (type, value) in action)
            {
                var named = (value as OrderedDictionary<object, object?>)?.GetValueOrDefault("role") switch
                {
                    List<object?> names => names,
                    string one => [one],
                    _ => throw new MultinodeSplitException(
                        $"Invalid YAML - Did not find a role in action '{action.GetAt(0).Key}', check for consistent use of whitespace indents."),
                };
                foreach (var role in named.Where(n => n is null || !roles.ContainsKey(n)))
                {
                    throw new MultinodeSplitException(
                        $"'role' {Python.Repr(role)} does not exist @ data['actions'][{index}][{Python.Repr(type)}]['role']");
                }
                foreach (var role in roles.Keys.Where(named.Contains))
                {
                    var copy = (OrderedDictionary<object, object?>)Copy(value)!;
                    copy["role"] = role;
                    byRole[role].Add(new OrderedDictionary<object, object?> { [type] = copy });
                }
            }
        }
        return byRole;
    }

    private static void CheckGroup(OrderedDictionary<object, object?> protocols, OrderedDictionary<object, object?> roles,
        Dictionary<object, int> counts, Dictionary<object, List<OrderedDictionary<object, object?>>> actions)
    {
        foreach (var (name, value) in roles)
        {
            if (counts[name] > 0 && actions[name].Count == 0)
            {
                throw new MultinodeSplitException($"'role' {Python.Repr(name)} has no actions");
            }
            if (((OrderedDictionary<object, object?>)value!).GetValueOrDefault("host_role") is { } host && counts.TryGetValue(host, out var hostCount) && hostCount != 1)
            {
                throw new MultinodeSplitException("The count for a role designated as a host_role must be 1.");
            }
        }
        if (protocols.ContainsKey("lava-vland") && counts.Values.Any(c => c != 1))
        {
            throw new MultinodeSplitException("vland protocol only supports one device per role.");
        }
    }

    private static OrderedDictionary<object, object?> Job(OrderedDictionary<object, object?> tree, OrderedDictionary<object, object?> protocols,
        OrderedDictionary<object, object?> multinode, string name, OrderedDictionary<object, object?> role,
        List<OrderedDictionary<object, object?>> actions, string targetGroup, int groupSize, int subId)
    {
        var job = new OrderedDictionary<object, object?> { ["actions"] = Copy(actions.Cast<object?>().ToList()) };
        foreach (var key in Copied.Where(tree.ContainsKey))
        {
            job[key] = Copy(tree[key]);
        }
        foreach (var key in Scheduling.Where(role.ContainsKey))
        {
            job[key] = Copy(role[key]);
        }
        var parameters = new OrderedDictionary<object, object?>
        {
            ["target_group"] = targetGroup,
            ["role"] = name,
            ["group_size"] = (long)groupSize,
            ["sub_id"] = (long)subId,
        };
        foreach (var (key, value) in role.Where(e => e.Key is not ("count" or "device_type" or "connection" or "host_role" or "context")))
        {
            parameters[key] = Copy(value);
        }
        foreach (var (key, value) in multinode.Where(e => e.Key is not ("role" or "roles")))
        {
            parameters[key] = Copy(value);
        }
        var jobProtocols = new OrderedDictionary<object, object?> { ["lava-multinode"] = parameters };
        foreach (var other in new[] { "lava-vland", "lava-lxc" })
        {
            if ((protocols.GetValueOrDefault(other) as OrderedDictionary<object, object?>)?.GetValueOrDefault(name) is { } entry)
            {
                jobProtocols[other] = Copy(entry);
            }
        }
        job["protocols"] = jobProtocols;
        return job;
    }

    private static object? Copy(object? node) => node switch
    {
        OrderedDictionary<object, object?> map => new OrderedDictionary<object, object?>(map.Select(e => KeyValuePair.Create(e.Key, Copy(e.Value)))),
        List<object?> list => list.Select(Copy).ToList(),
        _ => node,
    };
}
