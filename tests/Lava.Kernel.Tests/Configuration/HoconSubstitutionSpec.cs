using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class HoconSubstitutionSpec
{
    private static Config Parse(string text) => ConfigFactory.ParseString(text, "test.conf").Resolve();

    private static string UniqueVariable() => "LAVA_TEST_" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    [Fact]
    public void Resolver_must_substitute_values_keeping_their_type_and_looking_forward()
    {
        var config = Parse("""
            a = ${b.c}
            list = ${b.list}
            b { c = 42, list = [1, 2] }
            """);

        Assert.Equal(42, config.GetInt("a"));
        Assert.Equal("""{"a":42,"b":{"c":42,"list":[1,2]},"list":[1,2]}""", HoconSyntaxSpec.Compact(config.ToJson()));
    }

    [Fact]
    public void Resolver_must_concatenate_substitutions_with_strings()
    {
        var config = Parse("""
            animal.favorite = fox
            a = ${animal.favorite} is my favorite animal
            b = ${animal.favorite}" is quoted"
            """);

        Assert.Equal("fox is my favorite animal", config.GetString("a"));
        Assert.Equal("fox is quoted", config.GetString("b"));
    }

    [Fact]
    public void Resolver_must_let_an_object_refer_to_its_own_fields()
    {
        var config = Parse("bar : { foo : 42, baz : ${bar.foo} }");

        Assert.Equal(42, config.GetInt("bar.baz"));
    }

    [Fact]
    public void Resolver_must_use_the_last_assigned_value()
    {
        var config = Parse("a = 1\nb = ${a}\na = 2");

        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void Resolver_must_fail_on_a_missing_required_substitution_naming_the_path()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = 1\nb = ${missing.path}"));

        Assert.Contains("missing.path", error.Message, StringComparison.Ordinal);
        Assert.Equal("test.conf", error.OriginDescription);
        Assert.Equal(2, error.Line);
        Assert.Equal(5, error.Column);
    }

    [Fact]
    public void Resolver_must_drop_a_field_whose_optional_substitution_is_missing()
    {
        var config = Parse($"a = ${{?{UniqueVariable()}}}\nb = 1");

        Assert.False(config.HasPath("a"));
        Assert.DoesNotContain("a", config.Keys);
    }

    [Fact]
    public void Resolver_must_keep_the_prior_value_when_an_optional_override_is_missing()
    {
        var config = Parse($"port = 4053\nport = ${{?{UniqueVariable()}}}");

        Assert.Equal(4053, config.GetInt("port"));
    }

    [Fact]
    public void Resolver_must_override_from_an_environment_variable_when_it_is_set()
    {
        var name = UniqueVariable();
        Environment.SetEnvironmentVariable(name, "7000");
        try
        {
            var config = Parse($"port = 4053\nport = ${{?{name}}}\nhost = ${{{name}}}");

            Assert.Equal(7000, config.GetInt("port"));
            Assert.Equal("7000", config.GetString("host"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Resolver_must_prefer_the_configuration_over_the_environment()
    {
        var name = UniqueVariable();
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            var config = Parse($"{name} = from-config\na = ${{{name}}}");

            Assert.Equal("from-config", config.GetString("a"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Resolver_must_resolve_self_references_to_the_previous_value()
    {
        var config = Parse("""
            path = "/usr"
            path = ${path}":/bin"
            a = [1]
            a = ${a} [2]
            obj = { x = 1 }
            obj = ${obj} { y = 2 }
            """);

        Assert.Equal("/usr:/bin", config.GetString("path"));
        Assert.Equal(["1", "2"], config.GetStringList("a"));
        Assert.Equal(1, config.GetInt("obj.x"));
        Assert.Equal(2, config.GetInt("obj.y"));
    }

    [Fact]
    public void Resolver_must_resolve_a_self_reference_into_a_path_below_the_field()
    {
        var config = Parse("""
            foo : { a : { c : 1 } }
            foo : ${foo.a}
            foo : { a : 2 }
            """);

        Assert.Equal(2, config.GetInt("foo.a"));
        Assert.Equal(1, config.GetInt("foo.c"));
    }

    [Fact]
    public void Resolver_must_treat_an_optional_self_reference_without_previous_value_as_absent()
    {
        var config = Parse("a = ${?a} [1]\nb = ${?b}");

        Assert.Equal(["1"], config.GetStringList("a"));
        Assert.False(config.HasPath("b"));
    }

    [Fact]
    public void Resolver_must_fail_on_a_required_self_reference_without_previous_value()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("unset-here = ${unset-here}\"x\""));

        Assert.Contains("unset-here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plus_equals_must_append_to_an_array_or_start_one()
    {
        var config = Parse("""
            roles = [master]
            roles += worker
            fresh += 1
            fresh += 2
            nested { items = [a] }
            nested { items += b }
            """);

        Assert.Equal(["master", "worker"], config.GetStringList("roles"));
        Assert.Equal(["1", "2"], config.GetStringList("fresh"));
        Assert.Equal(["a", "b"], config.GetStringList("nested.items"));
    }

    [Fact]
    public void Resolver_must_reject_a_substitution_cycle_naming_the_paths()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = ${b}\nb = ${c}\nc = ${a}"));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        Assert.Contains("a -> b -> c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolver_must_reject_a_field_that_contains_itself()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a { b = ${a} }"));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolver_must_turn_a_substituted_null_into_an_empty_string_in_concatenations()
    {
        var config = Parse("n = null\na = x${n}y\nb = ${n}");

        Assert.Equal("xy", config.GetString("a"));
        Assert.False(config.HasPath("b"));
        Assert.Contains("\"b\": null", config.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolver_must_reject_concatenating_an_array_with_a_string()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = [1]\nb = ${a} foo"));

        Assert.Contains("cannot concatenate an array with a string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolver_must_not_resolve_substitutions_of_an_overridden_value()
    {
        var config = Parse("a = ${does-not-exist}\na = 1");

        Assert.Equal(1, config.GetInt("a"));
    }

    [Fact]
    public void Resolver_must_drop_array_elements_whose_optional_substitution_is_missing()
    {
        var config = Parse($"a = [1, ${{?{UniqueVariable()}}}, 3]");

        Assert.Equal(["1", "3"], config.GetStringList("a"));
    }

    [Fact]
    public void Resolver_must_merge_an_object_reached_through_a_substitution_with_the_previous_object()
    {
        var config = Parse("""
            defaults { timeout = 5s, retries = 3 }
            job = { name = boot }
            job = ${defaults}
            job { retries = 5 }
            """);

        Assert.Equal("boot", config.GetString("job.name"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("job.timeout"));
        Assert.Equal(5, config.GetInt("job.retries"));
        Assert.Equal(3, config.GetInt("defaults.retries"));
    }
}
