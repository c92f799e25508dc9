using System.Globalization;
using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>The per-method schemas against the actions of LAVA's corpus: each takes them, and refuses them mutated.</summary>
public sealed class CorpusActionSpecs
{
    /// <summary>Every action of the corpus' valid jobs: (file, index, module).</summary>
    public static IEnumerable<object[]> Actions() =>
        ValidJobs().SelectMany(job => job.Actions.Select((action, index) => new object[] { job.File, index, Module(action.Type, action.Block) }));

    [CorpusTheory]
    [InlineData("deploy", "tftp", "kernel", "needs a kernel to deploy")]
    [InlineData("deploy", "tmpfs", "images", "required key not provided")]
    [InlineData("deploy", "fastboot", "images", "required key not provided")]
    [InlineData("deploy", "usb", "device", "required key not provided")]
    [InlineData("deploy", "nbd", "nbdroot", "required key not provided")]
    [InlineData("deploy", "vemsd", "recovery_image", "required key not provided")]
    [InlineData("deploy", "iso_installer", "iso", "required key not provided")]
    [InlineData("boot", "u_boot", "commands", "required key not provided")]
    [InlineData("boot", "grub", "commands", "required key not provided")]
    [InlineData("boot", "bootloader", "bootloader", "required key not provided")]
    [InlineData("boot", "lxc", "prompts", "required key not provided")]
    [InlineData("boot", "ssh", "connection", "required key not provided")]
    [InlineData("boot", "fvp", "console_string", "required key not provided")]
    [InlineData("boot", "kexec", "boot_message", "required key not provided")]
    [InlineData("boot", "docker", "command", "required key not provided")]
    [InlineData("test", "definition", "definitions.0.path", "required key not provided")]
    [InlineData("test", "monitor", "monitors.0.pattern", "required key not provided")]
    [InlineData("test", "interactive", "interactive.0.script", "required key not provided")]
    [InlineData("command", "", "name", "required key not provided")]
    public void A_corpus_action_without_a_required_key_is_refused_at_that_key(string type, string method, string key, string message)
    {
        var module = method.Length == 0 ? type : type + "." + method;
        var (file, tree, index, block) = ValidJobs()
            .SelectMany(job => job.Actions.Select((action, i) => (job.File, job.Tree, Index: i, action)))
            .Where(a => Module(a.action.Type, a.action.Block) == module)
            .Select(a => (a.File, a.Tree, a.Index, a.action.Block))
            .First();
        var steps = key.Split('.').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? (object)i : s).ToList();
        var parent = steps.SkipLast(1).Aggregate((object)block, (node, step) => step is int i ? ((List<object?>)node)[i]! : ((OrderedDictionary<object, object?>)node)[step]!);
        Assert.True(((OrderedDictionary<object, object?>)parent).Remove(steps[^1]), $"{file}: no {key} in action {index}");

        var error = StrictSchema.Validate(tree);

        var path = new object[] { $"actions[{index}]" }.Concat(module.Split('.')).Concat(steps).Select(Python.Repr);
        Assert.Equal(new StrictSchema.Error("[" + string.Join(", ", path) + "]", message), error);
    }

    [CorpusTheory]
    [MemberData(nameof(Actions))]
    public void A_corpus_action_with_an_unknown_key_passes_leniently_and_not_strictly(string file, int index, string module)
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(JobCorpus.Read(file))!;
        var block = JobDefinition.FromTree(tree).Actions[index].Block;
        block["lava_unknown_key"] = 1;

        Assert.Null(ActionSchemas.Find(module, strict: false)!([], block));
        Assert.Equal("extra keys not allowed", ActionSchemas.Find(module, strict: true)!([], block)?.Message);
    }

    private static IEnumerable<(string File, OrderedDictionary<object, object?> Tree, List<JobAction> Actions)> ValidJobs() =>
        JobCorpus.Verdicts()
            .Where(v => (string)v[1] == "ok" && v[3] is null)
            .Select(v => (string)v[0])
            .Select(file => (file, Tree: (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(JobCorpus.Read(file))!))
            .Select(j => (j.file, j.Tree, JobDefinition.FromTree(j.Tree).Actions.ToList()));

    private static string Module(string type, OrderedDictionary<object, object?> block) => (type switch
    {
        "boot" => "boot." + block["method"],
        "deploy" => "deploy." + block["to"],
        "test" => "test." + (block.ContainsKey("definitions") ? block.ContainsKey("docker") ? "docker" : "definition"
            : block.ContainsKey("interactive") ? "interactive" : "monitor"),
        _ => type,
    }).Replace('-', '_');
}
