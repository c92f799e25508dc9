using System.Collections.Immutable;
using static Lava.Actors.Jobs.Definition.Rules;

namespace Lava.Actors.Jobs.Definition;

/// <summary>
/// LAVA 2023.01's strict job schema (<c>lava_common/schemas</c>), what <c>scheduler.jobs.validate</c> and
/// <c>POST /jobs/validate/</c> apply. <see cref="Validate"/> returns null for a valid job (LAVA's <c>{}</c>), else
/// the error as LAVA returns it: <c>path</c> as Python prints the list, <c>msg</c> without the path.
/// Each action is then checked by the schema of its method (<see cref="ActionSchemas"/>).
/// </summary>
public static class StrictSchema
{
    /// <summary>The error of a job refused by the strict schema.</summary>
    public sealed record Error(string Path, string Message);

    public static Error? Validate(object? tree, bool strict = false)
    {
        var extra = !strict;
        if (JobRule(extra)([], tree) is { } error)
        {
            return new Error(error.PathText, error.Message);
        }
        var job = (OrderedDictionary<object, object?>)tree!;
        if (ExtraChecks(job) is { } check)
        {
            return new Error(check.PathText, check.Message);
        }
        var actions = (List<object?>)job["actions"]!;
        for (var index = 0; index < actions.Count; index++)
        {
            // An empty action map makes LAVA fail internally; it is refused here like an action of no known form.
            if (actions[index] is not OrderedDictionary<object, object?> { Count: > 0 } action)
            {
                return new Error(new SchemaError("", [$"actions[{index}]"]).PathText, "invalid action");
            }
            var (type, value) = action.GetAt(0);
            var data = (OrderedDictionary<object, object?>)value!;
            var name = type switch
            {
                "boot" => "boot." + (data.GetValueOrDefault("method") as string ?? ""),
                "command" => "command",
                "deploy" => "deploy." + (data.GetValueOrDefault("to") as string ?? ""),
                _ => data.ContainsKey("definitions") ? (data.ContainsKey("docker") ? "test.docker" : "test.definition")
                    : data.ContainsKey("interactive") ? "test.interactive"
                    : data.ContainsKey("monitors") ? "test.monitor"
                    : null,
            };
            if (name is null)
            {
                return new Error(new SchemaError("", [$"actions[{index}]", type]).PathText, "invalid action");
            }
            name = name.Replace('-', '_');
            var parts = name.Split('.').Cast<object>().ToImmutableArray();
            if (ActionSchemas.Find(name, strict) is not { } rule)
            {
                return new Error(new SchemaError("", ImmutableArray.Create<object>("actions").AddRange(parts)).PathText, "unknown action type");
            }
            if (rule([], data) is { } invalid)
            {
                var path = ImmutableArray.Create<object>($"actions[{index}]").AddRange(parts).AddRange(invalid.Path);
                return new Error(new SchemaError("", path).PathText, invalid.Message);
            }
        }
        return null;
    }

    private static Rule Context() => Map(false, AnyKey(In(ContextVariables.All), Any(Int, Str, Seq(Any(Int, Str)))));

    private static Rule JobRule(bool extra)
    {
        var timeout = ActionSchemas.Timeout(extra);
        Key[] lxc = [Req("name", Str), Req("distribution", Str), Req("release", Str), Opt("arch", Str), Opt("mirror", Str),
            Opt("persist", Bool), Opt("security_mirror", Str), Opt("template", Str), Opt("timeout", timeout), Opt("verbose", Bool)];
        Rule callback = Map(extra, Req("url", Str), Opt("method", Any(Literal("GET"), Literal("POST"))), Opt("token", Str),
            Opt("dataset", Any(Literal("minimal"), Literal("logs"), Literal("results"), Literal("all"))),
            Opt("content-type", Any(Literal("json"), Literal("urlencoded"))));
        var notify = Map(extra,
            Req("criteria", Any(
                Map(extra, Req("status", Any(Literal("finished"), Literal("running"), Literal("complete"), Literal("canceled"), Literal("incomplete")))),
                Map(extra, Req("status", Any(Literal("complete"), Literal("incomplete"))), Opt("type", Any(Literal("regression"), Literal("progression")))))),
            Opt("verbosity", Any(Literal("verbose"), Literal("quiet"), Literal("status-only"))),
            Opt("recipients", Seq(Map(extra, Req("to", Map(extra, Req("method", Any(Literal("email"), Literal("irc"))),
                Opt("user", Str), Opt("email", Str), Opt("handle", Str), Opt("server", Str)))))),
            Excl("callback", "callback", callback), Excl("callbacks", "callback", Seq(callback)),
            Opt("compare", Map(extra, Opt("blacklist", Seq(Str)), Opt("query", Any(Map(extra, Req("username", Str), Req("name", Str)),
                Map(extra, Req("entity", Str), Opt("conditions", Map(extra, AnyKey(Str, Str)))))))));
        var role = Any(
            Map(extra, Req("device_type", Str), Req("count", Range(min: 0)), Opt("context", Context()), Opt("tags", Seq(Str)),
                Opt("environment", Dict), Opt("essential", Bool), Opt("timeout", timeout)),
            Map(extra, Req("connection", Str), Req("count", Range(min: 0)), Req("expect_role", Str), Req("host_role", Str),
                Opt("essential", Bool), Opt("request", Str), Opt("tags", Seq(Str)), Opt("timeout", timeout), Opt("context", Context())));
        return Map(extra,
            Req("job_name", All(Str, Length(1, 200))),
            Opt("device_type", All(Str, Length(1, 200))),
            Req("timeouts", Map(extra, Req("job", timeout), Opt("action", timeout), Opt("actions", Map(extra, AnyKey(Str, timeout))),
                Opt("connection", timeout), Opt("connections", Map(extra, AnyKey(Str, timeout))), Opt("queue", timeout))),
            Req("visibility", Any(Literal("public"), Literal("personal"), Map(extra, Opt("group", Seq(Str))))),
            Opt("context", Context()),
            Opt("metadata", Map(extra, AnyKey(Str, Anything))),
            Opt("priority", Any(Literal("high"), Literal("medium"), Literal("low"), Range(0, 100))),
            Opt("tags", Seq(Str)), Opt("secrets", Dict), Opt("environment", Dict),
            Opt("protocols", Map(extra,
                Opt("lava-lxc", Any(Map(extra, lxc), Map(extra, AnyKey(Str, Map(extra, lxc))))),
                Opt("lava-multinode", Map(extra, Req("roles", Map(extra, AnyKey(Str, role))), Opt("timeout", timeout))),
                Opt("lava-vland", Any(Map(extra, AnyKey(Str, Map(extra, AnyKey(Str, Map(extra, Req("tags", Seq(Str))))))),
                    Map(extra, AnyKey(Str, Map(extra, Req("tags", Seq(Str))))))),
                Opt("lava-xnbd", Map(extra, Req("port", Any(Literal("auto"), Int)), Opt("timeout", timeout))))),
            Opt("notify", notify),
            Opt("reboot_to_fastboot", Bool),
            Req("actions", Seq(Map(extra, AnyKey(Any(Literal("boot"), Literal("command"), Literal("deploy"), Literal("test")), Dict)))));
    }

    private static SchemaError? ExtraChecks(OrderedDictionary<object, object?> job)
    {
        var timeouts = (OrderedDictionary<object, object?>)job["timeouts"]!;
        var jobSeconds = JobTimeouts.Seconds(timeouts["job"]);
        SchemaError? Larger(string prefix, ImmutableArray<object> path, object? value) =>
            value is not null && JobTimeouts.Seconds(value) > jobSeconds ? Fail(path, prefix + " timeout is larger than job timeout") : null;

        var error = Larger("Global", ["timeouts", "action"], timeouts.GetValueOrDefault("action"));
        foreach (var (key, value) in timeouts.GetValueOrDefault("actions") as OrderedDictionary<object, object?> ?? [])
        {
            error ??= Larger("Global", ["timeouts", "actions", key], value);
        }
        error ??= Larger("Global", ["timeouts", "connection"], timeouts.GetValueOrDefault("connection"));
        foreach (var (key, value) in timeouts.GetValueOrDefault("connections") as OrderedDictionary<object, object?> ?? [])
        {
            error ??= Larger("Global", ["timeouts", "connections", key], value);
        }
        var actions = ((List<object?>)job["actions"]!).OfType<OrderedDictionary<object, object?>>().Where(a => a.Count > 0)
            .Select(a => (OrderedDictionary<object, object?>)a.GetAt(0).Value!).ToList();
        for (var index = 0; index < actions.Count; index++)
        {
            error ??= Larger("Action", ["actions", index.ToString(System.Globalization.CultureInfo.InvariantCulture)], actions[index].GetValueOrDefault("timeout"));
        }
        if (error is not null)
        {
            return error;
        }
        var multinode = (job.GetValueOrDefault("protocols") as OrderedDictionary<object, object?>)?.GetValueOrDefault("lava-multinode");
        if (Truthy(multinode) && actions.Any(a => !a.ContainsKey("role")))
        {
            return Fail([], "Every action of a multinode job should have roles");
        }
        foreach (var extra in new[] { "device_type", "environment", "context", "tags" })
        {
            var value = job.GetValueOrDefault(extra);
            if (Truthy(value) && Truthy(multinode))
            {
                return Fail([], $"\"{extra}\" should not be used with multinode");
            }
            if (extra == "device_type" && !Truthy(value) && !Truthy(multinode))
            {
                return Fail([], "\"device_type\" or multinode should be defined");
            }
        }
        var withNamespace = actions.Count(a => a.GetValueOrDefault("namespace") is not null);
        if (withNamespace > 0 && withNamespace != actions.Count)
        {
            return Fail([], "When using namespaces, every action should have a namespace");
        }
        return job.ContainsKey("secrets") && job["visibility"] is "public"
            ? Fail([], "When using \"secrets\", visibility shouldn't be \"public\"")
            : null;
    }

    // Python truthiness of the values these checks look at.
    private static bool Truthy(object? value) => value switch
    {
        null => false,
        string s => s.Length > 0,
        OrderedDictionary<object, object?> d => d.Count > 0,
        List<object?> l => l.Count > 0,
        bool b => b,
        _ => Python.AsNumber(value) is not 0,
    };
}
