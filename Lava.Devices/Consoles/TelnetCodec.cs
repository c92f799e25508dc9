namespace Lava.Devices.Consoles;

/// <summary>
/// Telnet (RFC 854) for a raw console, on either end: strips commands and option negotiation from the data, answers the
/// peer's requests, and escapes IAC in what is written. It accepts only what a raw console needs (see
/// <see cref="ForClient"/> and <see cref="ForServer"/>); every other option is refused. Answers are sent only when an
/// option's state changes (RFC 1143's rule against negotiation loops). CR is passed through untouched both ways: ser2net
/// forwards a CR NUL pair to the port as is, so NVT's CR NUL would put NULs on the device's line.
/// </summary>
internal sealed class TelnetCodec
{
    internal const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
    internal const byte Echo = 1, SuppressGoAhead = 3;

    private readonly bool[] _remoteEnabled = new bool[256];
    private readonly bool[] _localEnabled = new bool[256];
    private readonly byte[] _local;
    private readonly byte[] _remote;
    private readonly bool _offersFirst;
    private State _state = State.Data;
    private byte _verb;

    private TelnetCodec(byte[] local, byte[] remote, bool offersFirst) => (_local, _remote, _offersFirst) = (local, remote, offersFirst);

    private enum State { Data, Command, Option, Subnegotiation, SubnegotiationIac }

    /// <summary>True once the peer has sent a telnet command: a server then escapes what it writes.</summary>
    public bool Active { get; private set; }

    /// <summary>A console's client (<see cref="TelnetConsole"/>): the server may echo and suppress go-ahead, and we suppress go-ahead.</summary>
    public static TelnetCodec ForClient() => new([SuppressGoAhead], [Echo, SuppressGoAhead], offersFirst: false);

    /// <summary>
    /// A console's server, as ser2net's telnet mode (the board simulator): once the client speaks telnet, it offers to echo
    /// and to suppress go-ahead, so that the client sends characters as typed and stops echoing them; the client may
    /// suppress go-ahead. A client that never sends IAC stays raw.
    /// </summary>
    public static TelnetCodec ForServer() => new([Echo, SuppressGoAhead], [SuppressGoAhead], offersFirst: true);

    /// <summary>
    /// Decodes <paramref name="buffer"/> in place (data only ever shrinks) and returns the length of the data left;
    /// answers to the server's negotiation are appended to <paramref name="replies"/>. Keeps its state across calls,
    /// so a command split between two reads is understood.
    /// </summary>
    public int Decode(Span<byte> buffer, List<byte> replies)
    {
        var length = 0;
        foreach (var b in buffer)
        {
            switch (_state)
            {
                case State.Data when b == Iac:
                    _state = State.Command;
                    if (!Active)
                    {
                        Active = true;
                        if (_offersFirst) Offer(replies);
                    }
                    break;
                case State.Data:
                    buffer[length++] = b;
                    break;
                case State.Command:
                    _state = State.Data;
                    if (b == Iac)
                    {
                        buffer[length++] = Iac;
                    }
                    else if (b is Will or Wont or Do or Dont)
                    {
                        _verb = b;
                        _state = State.Option;
                    }
                    else if (b == Sb)
                    {
                        _state = State.Subnegotiation;
                    }
                    // Other commands (NOP, GA, AYT, BRK...) carry no data for a raw console.
                    break;
                case State.Option:
                    _state = State.Data;
                    Negotiate(_verb, b, replies);
                    break;
                case State.Subnegotiation:
                    if (b == Iac)
                    {
                        _state = State.SubnegotiationIac;
                    }
                    break;
                case State.SubnegotiationIac:
                    _state = b == Se ? State.Data : State.Subnegotiation;
                    break;
            }
        }
        return length;
    }

    /// <summary>Returns <paramref name="data"/> with every IAC byte doubled, as telnet requires of data.</summary>
    public static ReadOnlyMemory<byte> Escape(ReadOnlyMemory<byte> data)
    {
        var iacs = data.Span.Count(Iac);
        if (iacs == 0)
        {
            return data;
        }
        var escaped = new byte[data.Length + iacs];
        var at = 0;
        foreach (var b in data.Span)
        {
            escaped[at++] = b;
            if (b == Iac)
            {
                escaped[at++] = Iac;
            }
        }
        return escaped;
    }

    private void Offer(List<byte> replies)
    {
        foreach (var option in _local)
        {
            _localEnabled[option] = true;
            replies.AddRange([Iac, Will, option]);
        }
    }

    private void Negotiate(byte verb, byte option, List<byte> replies)
    {
        switch (verb)
        {
            case Will when _remote.Contains(option):
                if (!_remoteEnabled[option])
                {
                    _remoteEnabled[option] = true;
                    replies.AddRange([Iac, Do, option]);
                }
                break;
            case Will:
                replies.AddRange([Iac, Dont, option]);
                break;
            case Wont when _remoteEnabled[option]:
                _remoteEnabled[option] = false;
                replies.AddRange([Iac, Dont, option]);
                break;
            case Do when _local.Contains(option):
                if (!_localEnabled[option])
                {
                    _localEnabled[option] = true;
                    replies.AddRange([Iac, Will, option]);
                }
                break;
            case Do:
                replies.AddRange([Iac, Wont, option]);
                break;
            case Dont when _localEnabled[option]:
                _localEnabled[option] = false;
                replies.AddRange([Iac, Wont, option]);
                break;
        }
    }
}
