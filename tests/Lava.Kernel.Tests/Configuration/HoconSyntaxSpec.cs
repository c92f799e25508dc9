using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class HoconSyntaxSpec
{
    private static Config Parse(string text) => ConfigFactory.ParseString(text).Resolve();

    [Fact]
    public void Parser_must_read_plain_json()
    {
        var config = Parse("""{ "a": { "b": [1, 2.5, "x", true], "n": null }, "c": -3 }""");

        Assert.Equal(["1", "2.5", "x", "true"], config.GetStringList("a.b"));
        Assert.False(config.HasPath("a.n"));
        Assert.Equal(-3, config.GetInt("c"));
        Assert.False(config.HasPath("d"));
    }

    [Fact]
    public void Parser_must_accept_omitted_root_braces_and_both_separators()
    {
        var config = Parse("a = 1\nb : 2\nc { d = 3 }\n");

        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
        Assert.Equal(3, config.GetInt("c.d"));
    }

    [Fact]
    public void Parser_must_ignore_hash_and_double_slash_comments_but_not_inside_quotes()
    {
        var config = Parse("""
            # a comment
            a = 1 // trailing comment
            b = "not # a comment"
            c = "http://example.org" # after a string
            """);

        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal("not # a comment", config.GetString("b"));
        Assert.Equal("http://example.org", config.GetString("c"));
    }

    [Fact]
    public void Parser_must_unescape_quoted_strings()
    {
        var config = Parse("""a = "tab\there \"q\" \\ \u0041 \/" """);

        Assert.Equal("tab\there \"q\" \\ A /", config.GetString("a"));
    }

    [Fact]
    public void Parser_must_keep_triple_quoted_strings_raw_including_newlines_and_extra_quotes()
    {
        var config = Parse("a = \"\"\"line one\n  \\n is not an escape \"\"\"\nb = \"\"\"\"quoted\"\"\"\"\n");

        Assert.Equal("line one\n  \\n is not an escape ", config.GetString("a"));
        Assert.Equal("\"quoted\"", config.GetString("b"));
    }

    [Fact]
    public void Parser_must_concatenate_simple_values_keeping_inner_whitespace()
    {
        var config = Parse("a = foo   bar \"baz qux\"  \nb = 10.0 seconds\nc = true dat");

        Assert.Equal("foo   bar baz qux", config.GetString("a"));
        Assert.Equal("10.0 seconds", config.GetString("b"));
        Assert.Equal("true dat", config.GetString("c"));
    }

    [Fact]
    public void Parser_must_split_keyword_and_number_prefixes_from_unquoted_text()
    {
        var config = Parse("a = truefoo\nb = 10ms\nc = footrue");

        Assert.Equal("truefoo", config.GetString("a"));
        Assert.Equal("10ms", config.GetString("b"));
        Assert.Equal("footrue", config.GetString("c"));
        Assert.Equal("""{"a":"truefoo","b":"10ms","c":"footrue"}""", Compact(config.ToJson()));
    }

    [Fact]
    public void Parser_must_expand_path_keys_and_keep_quoted_dots()
    {
        var config = Parse("""
            a.b.c = 1
            a.b.d = 2
            a."x.y" = 3
            10.0foo = 4
            """);

        Assert.Equal(1, config.GetInt("a.b.c"));
        Assert.Equal(2, config.GetInt("a.b.d"));
        Assert.Equal(3, config.GetInt("a.\"x.y\""));
        Assert.Equal(4, config.GetInt("10.0foo"));
        Assert.Equal(4, config.GetConfig("10").GetInt("0foo"));
    }

    [Fact]
    public void Parser_must_keep_whitespace_inside_keys()
    {
        var config = Parse("a b c : 42");

        Assert.Equal(42, config.GetInt("\"a b c\""));
    }

    [Fact]
    public void Parser_must_treat_brace_after_key_as_object_value()
    {
        var config = Parse("server { host = localhost, port = 4053 }");

        Assert.Equal("localhost", config.GetString("server.host"));
        Assert.Equal(4053, config.GetInt("server.port"));
    }

    [Fact]
    public void Parser_must_accept_newlines_commas_and_one_trailing_comma_as_separators()
    {
        var config = Parse("a = [1,2,3,]\nb = [\n 1\n 2\n]\nc { x = 1, y = 2, }");

        Assert.Equal(["1", "2", "3"], config.GetStringList("a"));
        Assert.Equal(["1", "2"], config.GetStringList("b"));
        Assert.Equal(2, config.GetInt("c.y"));
    }

    [Fact]
    public void Parser_must_merge_duplicate_object_keys()
    {
        var config = Parse("""
            foo { a = 42, nested { x = 1 } }
            foo { b = 43, nested { y = 2 } }
            """);

        Assert.Equal(42, config.GetInt("foo.a"));
        Assert.Equal(43, config.GetInt("foo.b"));
        Assert.Equal(1, config.GetInt("foo.nested.x"));
        Assert.Equal(2, config.GetInt("foo.nested.y"));
    }

    [Fact]
    public void Parser_must_let_a_non_object_value_break_the_object_merge()
    {
        var config = Parse("""
            foo = { a = 42 }
            foo = null
            foo = { b = 43 }
            bar = { a = 1 }
            bar = 5
            """);

        Assert.False(config.HasPath("foo.a"));
        Assert.Equal(43, config.GetInt("foo.b"));
        Assert.Equal(5, config.GetInt("bar"));
    }

    [Fact]
    public void Parser_must_replace_arrays_rather_than_merge_them()
    {
        var config = Parse("roles = [a, b]\nroles = [c]");

        Assert.Equal(["c"], config.GetStringList("roles"));
    }

    [Fact]
    public void Parser_must_concatenate_arrays_and_merge_concatenated_objects()
    {
        var config = Parse("a = [1, 2] [3, 4]\nb = { x = 1 } { y = 2 }");

        Assert.Equal(["1", "2", "3", "4"], config.GetStringList("a"));
        Assert.Equal(1, config.GetInt("b.x"));
        Assert.Equal(2, config.GetInt("b.y"));
    }

    [Fact]
    public void Parser_must_keep_null_booleans_and_numbers_typed()
    {
        var config = Parse("n = null\nt = true\nf = false\ny = yes\noff = off\ni = 9000000000\nd = 1.5e3");

        Assert.False(config.HasPath("n"));
        Assert.Equal("fallback", config.GetString("n", "fallback"));
        Assert.True(config.GetBoolean("t"));
        Assert.False(config.GetBoolean("f"));
        Assert.True(config.GetBoolean("y"));
        Assert.False(config.GetBoolean("off"));
        Assert.Equal(9_000_000_000L, config.GetLong("i"));
        Assert.Equal(1500d, config.GetDouble("d"));
        Assert.Equal("""{"d":1500,"f":false,"i":9000000000,"n":null,"off":"off","t":true,"y":"yes"}""", Compact(config.ToJson()));
    }

    [Fact]
    public void Parser_must_treat_include_later_in_a_key_or_as_a_value_as_a_plain_string()
    {
        var config = Parse("foo include = 42\nbar = include\n\"include\" = 1");

        Assert.Equal(42, config.GetInt("\"foo include\""));
        Assert.Equal("include", config.GetString("bar"));
        Assert.Equal(1, config.GetInt("include"));
    }

    [Fact]
    public void Parser_must_accept_an_empty_document()
    {
        var config = Parse("  # only a comment\n");

        Assert.True(config.IsEmpty);
    }

    [Fact]
    public void Parser_must_accept_crlf_line_endings_and_count_lines_by_newline()
    {
        var config = Parse("a = 1\r\nb = two words\r\n");

        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal("two words", config.GetString("b"));
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("a = 1\r\nb ! 2\r\n", "crlf.conf"));
        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Parser_must_read_dashes_and_dots_after_a_value_start_as_unquoted_text()
    {
        var config = Parse("jvm = -Xmx512m\nip = 127.0.0.1\nversion = 1.2.3-rc1");

        Assert.Equal("-Xmx512m", config.GetString("jvm"));
        Assert.Equal("127.0.0.1", config.GetString("ip"));
        Assert.Equal("1.2.3-rc1", config.GetString("version"));
    }

    internal static string Compact(string json) => string.Concat(json.Where(c => !char.IsWhiteSpace(c)));
}
