using System.Collections;
using Lava.Actors.Lab.Devices;
using Xunit;

namespace Lava.Actors.Tests.Devices;

/// <summary>Plain scalars are typed as PyYAML's safe_load types them (values checked against PyYAML 6).</summary>
public sealed class DeviceYamlSpec
{
    private const string Document = """
        a: yes
        b: No
        c: on
        d: 0x1F
        e: 0755
        f: 190:20:30
        g: 1_000
        h: 1.5
        i: 1e3
        j: 6.8523015e+5
        k: ~
        l:
        m: '0x10'
        n: "yes"
        p: 52:54:00:12:34:58
        q: 00:90:05:af:00:7d
        r: [1, two, 3.0]
        s: !!str 12
        t: 0
        u: -12
        v: True
        dup: 1
        dup: 2
        1: int key
        """;

    [Fact]
    public void Scalars_get_YAML_1_1_types_and_a_repeated_key_keeps_its_last_value()
    {
        var map = Assert.IsType<OrderedDictionary<string, object?>>(DeviceYaml.Load(Document));

        var expected = new Dictionary<string, object?>
        {
            ["a"] = true, ["b"] = false, ["c"] = true, ["d"] = 31L, ["e"] = 493L, ["f"] = 685230L, ["g"] = 1000L,
            ["h"] = 1.5, ["i"] = "1e3", ["j"] = 685230.15, ["k"] = null, ["l"] = null, ["m"] = "0x10", ["n"] = "yes",
            ["p"] = 41135085298L, ["q"] = "00:90:05:af:00:7d", ["s"] = "12", ["t"] = 0L, ["u"] = -12L, ["v"] = true,
            ["dup"] = 2L, ["1"] = "int key",
        };
        foreach (var (key, value) in expected)
        {
            Assert.True(map.ContainsKey(key), $"missing {key}");
            Assert.Equal(value, map[key]);
        }

        Assert.Equal(new List<object?> { 1L, "two", 3.0 }, (IList)map["r"]!);
        Assert.Equal(expected.Count + 1, map.Count);
    }

    [Fact]
    public void An_empty_job_context_is_an_empty_map()
    {
        Assert.Empty(DeviceYaml.LoadContext("{}"));
        Assert.Empty(DeviceYaml.LoadContext(string.Empty));
        Assert.Equal("virt", DeviceYaml.LoadContext("machine: virt")["machine"]);
    }
}
