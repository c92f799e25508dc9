using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

public sealed class JobDefinitionParserSpecs
{
    [Fact]
    public void A_syntax_error_names_its_line_and_column()
    {
        const string text = "job_name: broken\nactions:\n  - deploy: {to: tmpfs\n";

        var error = Assert.Throws<JobDefinitionSyntaxException>(() => JobDefinitionParser.Parse(text));

        Assert.Equal(4, error.Line);
        Assert.True(error.Column >= 1);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_indentation_is_reported_where_it_is()
    {
        const string text = "job_name: a\ntimeouts:\n  job:\n    minutes: 1\n   bad: 2\n";

        var error = Assert.Throws<JobDefinitionSyntaxException>(() => JobDefinitionParser.Parse(text));

        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Scalars_resolve_as_YAML_1_1_does_in_PyYAML()
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(
            "a: on\nb: 2018.4\nc: 010\nd: '10'\ne: ~\nf: 0x1f\ng: 1:30\nh: 2023-01-05\ni: \"yes\"\nj: 12\nk: text\nl:\n")!;

        Assert.Equal(true, tree["a"]);
        Assert.Equal(2018.4, tree["b"]);
        Assert.Equal(8L, tree["c"]);
        Assert.Equal("10", tree["d"]);
        Assert.Null(tree["e"]);
        Assert.Equal(31L, tree["f"]);
        Assert.Equal(90L, tree["g"]);
        Assert.Equal(new DateTime(2023, 1, 5), tree["h"]);
        Assert.Equal("yes", tree["i"]);
        Assert.Equal(12L, tree["j"]);
        Assert.Equal("text", tree["k"]);
        Assert.Null(tree["l"]);
    }

    [Fact]
    public void Keys_keep_document_order_and_a_repeated_key_keeps_the_last_value_in_the_first_place()
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse("z: 1\na: 2\nz: 3\n")!;

        Assert.Equal(["z", "a"], tree.Keys);
        Assert.Equal(3L, tree["z"]);
    }

    [Fact]
    public void Json_is_read_as_YAML()
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse("""{"job_name": "j", "n": 5, "l": [true, null, "x"]}""")!;

        Assert.Equal("j", tree["job_name"]);
        Assert.Equal(5L, tree["n"]);
        Assert.Equal([true, null, "x"], (List<object?>)tree["l"]!);
    }

    [Fact]
    public void A_python_tag_is_refused_as_a_safe_loader_does()
    {
        var error = Assert.Throws<JobDefinitionSyntaxException>(() => JobDefinitionParser.Parse("a: !!python/object:os.system ls\n"));

        Assert.Contains("could not determine a constructor", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Two_documents_are_refused()
    {
        var error = Assert.Throws<JobDefinitionSyntaxException>(() => JobDefinitionParser.Parse("a: 1\n---\nb: 2\n"));

        Assert.Equal("expected a single document in the stream", error.Reason);
    }

    [Fact]
    public void Aliases_resolve_to_their_anchor()
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse("a: &t {minutes: 2}\nb: *t\n")!;

        Assert.Same(tree["a"], tree["b"]);
    }

    [Fact]
    public void Merge_keys_merge_as_in_PyYAML()
    {
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(
            "base: &b {a: 1, b: 2}\nother: &o {b: 9, c: 3}\njob:\n  <<: [*b, *o]\n  c: 4\n")!;

        var job = (OrderedDictionary<object, object?>)tree["job"]!;

        Assert.Equal(["b", "c", "a"], job.Keys);
        Assert.Equal(2L, job["b"]);
        Assert.Equal(4L, job["c"]);
        Assert.Equal(1L, job["a"]);
    }
}
