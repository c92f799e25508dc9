using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class HoconErrorSpec
{
    [Theory]
    [InlineData("a = 1\nb = 2\n  foo 42\n", "bad.conf:3:9: expected '=' or ':' after key 'foo 42'")]
    [InlineData("a = 1\nb {\n  c = 2\n", "bad.conf:4:1: expected '}' to close the object opened at 2:3")]
    [InlineData("a = [1, 2\n", "bad.conf:2:1: expected ']' to close the array opened at 1:5")]
    [InlineData("a = 1\n}\n", "bad.conf:2:1: unbalanced '}' (the root object was opened without '{')")]
    [InlineData("a = \"open\nb = 1", "bad.conf:1:5: unterminated quoted string (use \"\"\" for multi-line strings)")]
    [InlineData("a = \"bad \\q escape\"", "bad.conf:1:10: invalid escape sequence '\\q'")]
    [InlineData("a = [1,,2]", "bad.conf:1:8: unexpected ',' (two commas in a row)")]
    [InlineData("a = [,1]", "bad.conf:1:6: expected a value but found ','")]
    [InlineData("a = 1 b = 2", "bad.conf:1:9: expected ',' or a newline after a value but found '='")]
    [InlineData("a = x?y", "bad.conf:1:6: reserved character '?' is not allowed outside quotes")]
    [InlineData("a = ${b", "bad.conf:1:5: unterminated substitution: expected '}'")]
    [InlineData("a..b = 1", "bad.conf:1:1: path has an empty element (write an empty key as \"\")")]
    [InlineData("[1, 2]", "bad.conf:1:1: the root of a configuration must be an object, not an array")]
    [InlineData("a = \"\"\"never closed", "bad.conf:1:5: unterminated triple-quoted string")]
    [InlineData("a = {x = 1} foo", "bad.conf:1:5: cannot concatenate an object with a string")]
    public void Parser_must_report_file_line_and_column(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString(text, "bad.conf"));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Parse_error_must_expose_its_position_as_properties()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("x {\n  y = 1\n  z : : 2\n}", "bad.conf"));

        Assert.Equal("bad.conf", error.OriginDescription);
        Assert.Equal(3, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Equal("expected a value but found ':'", error.Reason);
    }

    [Fact]
    public void Parse_error_in_an_included_file_must_name_that_file()
    {
        using var dir = new TempDirectory();
        dir.Write("inc.conf", "ok = 1\nbroken = [\n");
        var main = dir.Write("main.conf", "include \"inc.conf\"");

        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main));

        Assert.Equal(Path.Combine(dir.Path, "inc.conf"), error.OriginDescription);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void ParseFile_must_report_a_missing_file_clearly()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile("/nonexistent/lava.conf"));

        Assert.Equal("/nonexistent/lava.conf: configuration file not found", error.Message);
    }
}
