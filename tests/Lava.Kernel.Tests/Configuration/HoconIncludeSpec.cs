using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class HoconIncludeSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Include_must_merge_the_included_fields_where_the_statement_stands()
    {
        _dir.Write("base.conf", "a = 1\nb { x = 1 }\nc = from-base");
        var main = _dir.Write("main.conf", """
            c = before-include
            include "base.conf"
            b { y = 2 }
            a = 10
            """);

        var config = ConfigFactory.ParseFile(main).Resolve();

        Assert.Equal(10, config.GetInt("a"));
        Assert.Equal(1, config.GetInt("b.x"));
        Assert.Equal(2, config.GetInt("b.y"));
        Assert.Equal("from-base", config.GetString("c"));
    }

    [Fact]
    public void Include_must_resolve_relative_names_against_the_including_file()
    {
        _dir.Write("conf/inner/leaf.conf", "leaf = true");
        _dir.Write("conf/middle.conf", "include file(\"inner/leaf.conf\")\nmiddle = true");
        var main = _dir.Write("main.conf", "include required(file(\"conf/middle.conf\"))");

        var config = ConfigFactory.ParseFile(main).Resolve();

        Assert.True(config.GetBoolean("leaf"));
        Assert.True(config.GetBoolean("middle"));
    }

    [Fact]
    public void Include_must_ignore_a_missing_optional_file()
    {
        var main = _dir.Write("main.conf", "include \"nope.conf\"\ninclude file(\"nope2.conf\")\na = 1");

        var config = ConfigFactory.ParseFile(main).Resolve();

        Assert.Equal(["a"], config.Keys);
    }

    [Fact]
    public void Include_must_fail_on_a_missing_required_file_at_the_statement()
    {
        var main = _dir.Write("main.conf", "a = 1\n  include required(\"nope.conf\")");

        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main));

        Assert.Contains("required include 'nope.conf' not found", error.Message, StringComparison.Ordinal);
        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Include_must_fix_up_substitutions_relative_to_the_include_point()
    {
        _dir.Write("foo.conf", "{ x : 10, y : ${x} }");
        var main = _dir.Write("main.conf", """
            a : { include "foo.conf" }
            a : { x : 42 }
            top = 1
            b : { include "uses-root.conf" }
            """);
        _dir.Write("uses-root.conf", "z = ${top}");

        var config = ConfigFactory.ParseFile(main).Resolve();

        Assert.Equal(42, config.GetInt("a.y"));
        Assert.Equal(1, config.GetInt("b.z"));
    }

    [Fact]
    public void Include_must_load_every_format_for_a_name_without_extension()
    {
        _dir.Write("app.json", """{ "a": 1, "b": 1 }""");
        _dir.Write("app.conf", "b = 2");
        var main = _dir.Write("main.conf", "include \"app\"");

        var config = ConfigFactory.ParseFile(main).Resolve();

        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void Include_must_reject_an_include_cycle()
    {
        _dir.Write("a.conf", "include \"b.conf\"");
        _dir.Write("b.conf", "include \"a.conf\"");

        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(Path.Combine(_dir.Path, "a.conf")));

        Assert.Contains("include cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_must_reject_an_unquoted_argument()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("include foo.conf", "main.conf"));

        Assert.StartsWith("main.conf:1:1: include must be followed by a quoted file name", error.Message, StringComparison.Ordinal);
    }
}
