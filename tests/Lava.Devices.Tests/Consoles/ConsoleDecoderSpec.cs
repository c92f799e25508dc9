using System.Text;
using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>Console bytes into log lines and match text, chunk by chunk.</summary>
public sealed class ConsoleDecoderSpec
{
    private readonly ConsoleDecoder _decoder = new();
    private readonly StringBuilder _match = new();
    private readonly List<string> _lines = [];

    [Fact]
    public void A_flushed_prompt_must_be_logged_once_and_its_line_end_must_reach_the_patterns_only()
    {
        Feed("login: ");
        _decoder.Flush(_match, _lines);
        Feed("root\r");
        _decoder.Flush(_match, _lines);
        Feed("\nPassword: \r\n");

        Assert.Equal(["login: ", "root", "Password: "], _lines);
        Assert.Equal("login: root\nPassword: \n", _match.ToString());
    }

    [Fact]
    public void Escape_sequences_of_every_kind_must_be_removed_from_the_match_text_only()
    {
        Feed("\u001b]0;title\a\u001b(Bplain\u001b7\u001b[?25l");
        Feed("\u001b]2;t\u001b\\end\n");

        Assert.Equal(["\\x1b]0;title\\x07\\x1b(Bplain\\x1b7\\x1b[?25l\\x1b]2;t\\x1b\\end"], _lines);
        Assert.Equal("plainend\n", _match.ToString());
    }

    [Fact]
    public void An_escape_that_is_no_sequence_must_be_kept_as_text()
    {
        Feed("a\u001b\u001b[1mb\u001b");
        _decoder.Flush(_match, _lines);

        Assert.Equal(["a\\x1b\\x1b[1mb\\x1b"], _lines);
        Assert.Equal("a\u001bb\u001b", _match.ToString());
    }

    [Fact]
    public void A_character_split_over_three_reads_must_be_decoded_once()
    {
        Feed(0xf0);
        Feed(0x9f, 0x98);
        Feed(0x80, (byte)'\n');

        Assert.Equal(["😀"], _lines);
    }

    [Fact]
    public void A_line_that_never_ends_must_still_be_logged_in_pieces_without_losing_a_byte()
    {
        Feed(new string('x', 20000));
        _decoder.Flush(_match, _lines);

        Assert.Equal(20000, _lines.Sum(l => l.Length));
        Assert.True(_lines.Count > 1);
        Assert.Equal(20000, _match.Length);
    }

    private void Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    private void Feed(params byte[] bytes) => _decoder.Feed(bytes, _match, _lines);
}
