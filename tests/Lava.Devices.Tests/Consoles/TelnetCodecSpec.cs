using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>Telnet negotiation and framing, byte by byte.</summary>
public sealed class TelnetCodecSpec
{
    private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240, Nop = 241;
    private const byte Echo = 1, Sga = 3, Binary = 0, Ttype = 24, ComPort = 44;

    private readonly TelnetCodec _codec = TelnetCodec.ForClient();
    private readonly List<byte> _replies = [];

    [Fact]
    public void Echo_and_suppress_go_ahead_must_be_accepted_once_and_everything_else_refused()
    {
        var data = Decode(Iac, Will, Sga, Iac, Do, Sga, Iac, Will, Echo, Iac, Dont, Echo, Iac, Do, Binary, Iac, Will, Binary,
            Iac, Will, Sga, Iac, Do, Ttype, Iac, Will, ComPort);

        Assert.Empty(data);
        Assert.Equal([Iac, Do, Sga, Iac, Will, Sga, Iac, Do, Echo, Iac, Wont, Binary, Iac, Dont, Binary, Iac, Wont, Ttype, Iac, Dont, ComPort], _replies);
    }

    [Fact]
    public void Withdrawing_an_accepted_option_must_be_acknowledged_once()
    {
        Decode(Iac, Will, Echo, Iac, Do, Sga);
        _replies.Clear();

        Decode(Iac, Wont, Echo, Iac, Wont, Echo, Iac, Dont, Sga, Iac, Dont, Sga);

        Assert.Equal([Iac, Dont, Echo, Iac, Wont, Sga], _replies);
    }

    [Fact]
    public void Commands_and_subnegotiations_must_be_stripped_and_doubled_iac_kept_even_when_split()
    {
        var first = Decode((byte)'a', Iac);
        var second = Decode(Iac, (byte)'b', Iac, Nop, Iac, Sb, ComPort, 1, Iac, Iac, 2, Iac);
        var third = Decode(Se, (byte)'c', Iac, Will);
        var fourth = Decode(Echo, (byte)'d', 13, 0, 10);

        Assert.Equal([(byte)'a'], first);
        Assert.Equal([Iac, (byte)'b'], second);
        Assert.Equal([(byte)'c'], third);
        Assert.Equal([(byte)'d', 13, 0, 10], fourth); // CR NUL is ser2net's data, not NVT's: passed through
        Assert.Equal([Iac, Do, Echo], _replies);
    }

    [Fact]
    public void Escaping_must_double_every_iac_and_leave_other_bytes_alone()
    {
        Assert.Equal([1, Iac, Iac, 13, Iac, Iac], TelnetCodec.Escape(new byte[] { 1, Iac, 13, Iac }).ToArray());
        Assert.Equal([13, 10], TelnetCodec.Escape(new byte[] { 13, 10 }).ToArray());
    }

    private byte[] Decode(params byte[] bytes)
    {
        var length = _codec.Decode(bytes, _replies);
        return bytes[..length];
    }
}
