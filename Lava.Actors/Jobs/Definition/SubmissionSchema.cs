using System.Text.RegularExpressions;
using static Lava.Actors.Jobs.Definition.Rules;

namespace Lava.Actors.Jobs.Definition;

/// <summary>
/// LAVA 2023.01's submission schema (<c>lava_scheduler_app/schema.py</c>), what every submission passes before
/// devices are looked for: strict on top-level keys, lenient inside actions. <see cref="Validate"/> returns null
/// when the job is acceptable, else LAVA's message exactly (the text after "Problem with submitted job data: ").
/// </summary>
public static partial class SubmissionSchema
{
    private static readonly Rule Timeout = Map(false,
        Excl("days", "timeout_unit", Int), Excl("hours", "timeout_unit", Int),
        Excl("minutes", "timeout_unit", Int), Excl("seconds", "timeout_unit", Int), Opt("skip", Bool));

    // Plain dicts inside an extra=True schema inherit it, so the image maps tolerate other keys.
    private static readonly Rule UrlOnly = Map(true, Req("url", Str));

    private static readonly Rule Context = Map(false, AnyKey(In(ContextVariables.All), Any(Int, Str, Seq(Any(Int, Str)))));

    private static readonly Rule Deploy = Any(
        Map(true, Req("to", Literal("tftp")), Opt("timeout", Timeout), Opt("kernel", UrlOnly), Opt("ramdisk", UrlOnly),
            Opt("nbdroot", UrlOnly), Opt("initrd", UrlOnly), Opt("nfsrootfs", UrlOnly), Opt("dtb", UrlOnly), Opt("modules", UrlOnly)),
        Map(true, Req("to", Str), Opt("timeout", Timeout)));

    private static readonly Rule Boot = Map(true, Req("method", Str), Opt("timeout", Timeout),
        Opt("auto_login", Map(false, Req("login_prompt", Str), Req("username", Str), Opt("password_prompt", Str),
            Opt("password", Str), Opt("login_commands", List))),
        Opt("parameters", Map(false, AnyKey(Any(Str), Any(Str, Bool)))),
        Opt("commands", Any(Str, List)));

    private static readonly Rule Test = Any(
        Map(true, Req("monitors", Seq(Map(false, Req("name", Match(Name(), "Invalid character")), Req("start", Str), Req("end", Str),
            Req("pattern", Str), Opt("fixupdict", Dict)))), Opt("timeout", Timeout)),
        Map(true, Req("interactive", Seq(Map(false, Req("name", Match(Name(), "Invalid character")), Req("prompts", List),
            Opt("echo", Literal("discard")), Req("script", Seq(Map(false, Opt("name", Match(Name(), "Invalid character")),
                Req("command", Any(Type("None", v => v is null), Str)),
                Opt("failures", Seq(Map(false, Req("message", Str),
                    Opt("exception", Any(Literal("InfrastructureError"), Literal("JobError"), Literal("TestError"))), Opt("error", Str)))),
                Opt("successes", Seq(Map(false, Req("message", Str)))))))))), Opt("timeout", Timeout)),
        Map(true, Req("definitions", Seq(Map(true, Req("repository", Any(Map(false, Opt("metadata", Dict), Opt("install", Dict),
                Opt("run", Dict), Opt("parse", Dict)), Str)), Req("from", Str), Req("name", Str), Req("path", Str),
            Opt("parameters", Dict), Opt("timeout", Timeout)))), Opt("timeout", Timeout)));

    private static readonly Rule Command = Map(true, Req("name", Str), Opt("timeout", Timeout), Opt("namespace", Str));

    private static readonly Rule Callback = Map(true, Req("url", Str), Opt("method", Any(Literal("GET"), Literal("POST"))),
        Opt("token", Str), Opt("dataset", Any(Literal("minimal"), Literal("logs"), Literal("results"), Literal("all"))),
        Opt("content-type", Any(Literal("json"), Literal("urlencoded"))));

    private static readonly Rule Notify = Map(true,
        Req("criteria", Map(true, Req("status", Any(Literal("running"), Literal("complete"), Literal("incomplete"), Literal("canceled"), Literal("finished"))),
            Opt("type", Any(Literal("progression"), Literal("regression"))))),
        Opt("recipients", Seq(Map(false, Req("to", Map(false, Req("method", Any(Literal("email"), Literal("irc"))),
            Opt("user", Str), Opt("email", Str), Opt("server", Str), Opt("handle", Str)))))),
        Excl("callback", "legacy_callback", Callback), Excl("callbacks", "legacy_callback", Seq(Callback)),
        Opt("verbosity", Any(Literal("verbose"), Literal("quiet"), Literal("status-only"))),
        Opt("compare", Map(true, Opt("query", Any(Map(false, Req("username", Str), Req("name", Str)), Map(false, Req("entity", Str), Opt("conditions", Dict)))),
            Opt("blacklist", Seq(Str)))));

    // voluptuous calls these key validators on str(key); the refusal's message is the key itself.
    private static readonly Rule VlanName = (path, value) =>
        VlanPattern().IsMatch(value as string ?? Python.Repr(value)) ? null : Fail(path, value as string ?? Python.Repr(value));

    private static readonly Rule ActionName = (path, value) =>
        ActionNamePattern().IsMatch(value as string ?? Python.Repr(value)) ? null : Fail(path, value as string ?? Python.Repr(value));

    private static readonly Rule Job = Map(false,
        Opt("device_type", All(Str, Length(min: 1))),
        Req("job_name", All(Str, Length(1, 200))),
        Opt("priority", Any(Literal("high"), Literal("medium"), Literal("low"), Int)),
        Opt("protocols", Map(false,
            Opt("lava-multinode", Map(false, Opt("timeout", Timeout), Opt("roles", Dict))),
            Opt("lava-vland", Map(false, AnyKey(Str, Map(false, AnyKey(VlanName, Map(false, Opt("tags", Seq(Str)))))))),
            Opt("lava-lxc", Dict), Opt("lava-xnbd", Dict))),
        Opt("context", Context),
        Opt("metadata", Map(false, AnyKey(Any(Str, Int), Any(Str, Int)))),
        Opt("secrets", Dict), Opt("environment", Dict), Opt("tags", Seq(Str)),
        Req("visibility", Any(Literal("public"), Literal("personal"), Map(false, Opt("group", Seq(Str))))),
        Req("timeouts", Map(false, Req("job", Timeout), Opt("action", Timeout), Opt("connection", Timeout),
            Opt("actions", Map(false, AnyKey(ActionName, Timeout))), Opt("connections", Map(false, AnyKey(ActionName, Timeout))))),
        Req("actions", Seq(Map(false, Opt("deploy", Deploy), Opt("boot", Boot), Opt("test", Test), Opt("command", Command)))),
        Opt("notify", Notify),
        Opt("reboot_to_fastboot", Bool));

    public static string? Validate(object? tree)
    {
        if (Job([], tree) is { } error)
        {
            return error.ToString();
        }
        var job = (OrderedDictionary<object, object?>)tree!;
        return CheckSecrets(job) ?? CheckRevisions(job) ?? CheckMultinode(job);
    }

    private static string? CheckSecrets(OrderedDictionary<object, object?> job) =>
        job.ContainsKey("secrets") && job["visibility"] is "public" ? "When 'secrets' is used, 'visibility' shouldn't be 'public'" : null;

    private static string? CheckRevisions(OrderedDictionary<object, object?> job)
    {
        var definitions = ((List<object?>)job["actions"]!)
            .Select(a => ((OrderedDictionary<object, object?>)a!).GetValueOrDefault("test"))
            .OfType<OrderedDictionary<object, object?>>()
            .Select(t => t.GetValueOrDefault("definitions")).OfType<List<object?>>()
            .SelectMany(d => d).OfType<OrderedDictionary<object, object?>>();
        return definitions.Any(d => d.ContainsKey("revision") && d.GetValueOrDefault("shallow") is true)
            ? "When 'revision' is used, 'shallow' shouldn't be 'True'"
            : null;
    }

    private static string? CheckMultinode(OrderedDictionary<object, object?> job)
    {
        if (job.GetValueOrDefault("protocols") is not OrderedDictionary<object, object?> protocols
            || protocols.GetValueOrDefault("lava-multinode") is not OrderedDictionary<object, object?> multinode
            || multinode.GetValueOrDefault("roles") is not OrderedDictionary<object, object?> roles)
        {
            return null;
        }
        foreach (var (name, value) in roles)
        {
            var role = value as OrderedDictionary<object, object?> ?? [];
            var hostRole = role.GetValueOrDefault("host_role");
            var expectRole = role.GetValueOrDefault("expect_role");
            if (hostRole is not null)
            {
                if (!roles.ContainsKey(hostRole))
                {
                    return $"'host_role' '{hostRole}' does not exist";
                }
                if (expectRole is null)
                {
                    return "'expect_role' is required when 'host_role' is used";
                }
                if (!roles.ContainsKey(expectRole))
                {
                    return $"'expect_role' '{expectRole}' does not exist";
                }
            }
            else if (expectRole is not null)
            {
                return "'expect_role' without 'host_role'";
            }
            if (Context([], role.GetValueOrDefault("context") ?? new OrderedDictionary<object, object?>()) is { } error)
            {
                return error.ToString();
            }
        }
        return null;
    }

    [GeneratedRegex("^[a-zA-Z0-9-_]+$")]
    private static partial Regex Name();

    [GeneratedRegex("^[_a-zA-Z0-9]+$")]
    private static partial Regex VlanPattern();

    [GeneratedRegex("^[a-z-]+$")]
    private static partial Regex ActionNamePattern();
}
