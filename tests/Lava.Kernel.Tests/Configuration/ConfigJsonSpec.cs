using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class ConfigJsonSpec
{
    [Fact]
    public void ToJson_must_sort_keys_ordinally_at_every_level()
    {
        var config = ConfigFactory.ParseString("zeta = 1\nAlpha = 2\nalpha { b = 1, B = 2, a = [ { y = 1, x = 2 } ] }");

        Assert.Equal(
            "{\n  \"Alpha\": 2,\n  \"alpha\": {\n    \"B\": 2,\n    \"a\": [\n      {\n        \"x\": 2,\n        \"y\": 1\n      }\n    ],\n    \"b\": 1\n  },\n  \"zeta\": 1\n}",
            config.ToJson());
    }

    [Fact]
    public void ToJson_must_write_typed_values_and_resolved_substitutions()
    {
        var config = ConfigFactory.ParseString("""
            i = 42
            d = 1.50
            neg = -3
            t = on
            b = false
            n = null
            s = "quote \" and \\ and ü"
            ref = ${i}
            empty-list = []
            empty-object {}
            """);

        var json = HoconSyntaxSpec.Compact(config.ToJson());

        Assert.Equal("""{"b":false,"d":1.50,"empty-list":[],"empty-object":{},"i":42,"n":null,"neg":-3,"ref":42,"s":"quote\"and\\andü","t":"on"}""", json);
    }
}
