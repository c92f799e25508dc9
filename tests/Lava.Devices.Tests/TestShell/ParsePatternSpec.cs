using Lava.Actors.Jobs.Definition;
using Lava.Devices.TestShell;
using Xunit;

namespace Lava.Devices.Tests.TestShell;

/// <summary>parse: pattern with Python's group syntax and fixupdict, as LAVA records what it finds.</summary>
public sealed class ParsePatternSpec
{
    [Fact]
    public void Python_groups_fixupdict_and_lavas_id_rules_must_apply()
    {
        var pattern = ParsePattern.Create(
            @"^(?P<test_case_id>[^:]+):\s+(?P<result>PASS|FAIL|SKIP|ODD)(\s+(?P<measurement>\S+)\s+(?P<units>\S+))?$",
            new Dictionary<string, string> { ["PASS"] = "pass", ["FAIL"] = "fail", ["SKIP"] = "skip" });

        var cases = pattern.Apply("net/ping: PASS 0.42 ms\ndisk: FAIL\nwith space: PASS\nodd: ODD\nusb: SKIP\n");

        Assert.Equal(
            [new ParsedCase("net_ping", "pass", "0.42", "ms"), new ParsedCase("disk", "fail", null, null), new ParsedCase("usb", "skip", null, null)],
            cases);
    }

    [Fact]
    public void Without_fixupdict_the_default_map_must_apply_and_a_bad_measurement_is_a_test_error()
    {
        var pattern = ParsePattern.Create(@"(?P<test_case_id>\w+)=(?P<result>[A-Z]+)( (?P<measurement>\S+))?");

        Assert.Equal([new ParsedCase("a", "pass", null, null), new ParsedCase("b", "unknown", null, null)], pattern.Apply("a=PASS\nb=UNKNOWN\n"));
        var error = Assert.Throws<TestShellError>(() => pattern.Apply("c=PASS twelve\n"));
        Assert.Equal(("Test", "Invalid measurement twelve"), (error.ErrorType, error.Message));
    }

    [Fact]
    public void The_pattern_of_lavas_own_test_definition_must_compile_and_match()
    {
        // The parse block of LAVA's lava_dispatcher/tests testdefs/params.yaml.
        var definition = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(
            "parse:\n  pattern: \"(?P<test_case_id>.*-*):\\\\s+(?P<result>(pass|fail))\"\n  fixupdict:\n    pass: PASS\n    fail: UNKNOWN\n")!;

        var pattern = ParsePattern.FromTestDefinition(definition)!;

        // Its fixupdict maps pass to PASS, which LAVA's server drops: nothing is recorded, as there.
        Assert.Empty(pattern.Apply("test1a: pass\n"));
        Assert.Equal("UNKNOWN", pattern.Fixup["fail"]);
        Assert.Single(pattern.Regex.Matches("test1a: pass\n"));
    }

    [Fact]
    public void A_pattern_that_does_not_compile_must_be_a_test_error()
    {
        var error = Assert.Throws<TestShellError>(() => ParsePattern.Create("(?P<test_case_id>"));

        Assert.Equal("Test", error.ErrorType);
        Assert.StartsWith("Error parsing regular expression", error.Message, StringComparison.Ordinal);
    }
}
