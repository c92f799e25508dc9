namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The least telnet a console server needs, as ser2net's telnet mode gives: strips negotiation from the bytes a client
/// sends and answers it. The board offers to echo and to suppress go-ahead (so a telnet client sends characters as
/// typed and stops echoing locally) and refuses every other option. A client that never sends IAC stays raw.
/// </summary>
internal sealed class TelnetFilter
{
    private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
    private const byte Echo = 1, SuppressGoAhead = 3;

    private enum State { Data, Command, Option, Subnegotiation, SubnegotiationIac }

    private readonly HashSet<byte> _willing = [];
    private readonly HashSet<byte> _heard = [];
    private State _state;
    private byte _verb;

    /// <summary>True once the client has spoken telnet: output must then double its IAC bytes.</summary>
    public bool Active { get; private set; }

    /// <summary>Splits <paramref name="input"/> into data for the console and replies for the client.</summary>
    public void Process(ReadOnlySpan<byte> input, List<byte> data, List<byte> replies)
    {
        foreach (var b in input)
        {
            switch (_state)
            {
                case State.Data when b == Iac:
                    _state = State.Command;
                    if (!Active)
                    {
                        Active = true;
                        Offer(Echo, replies);
                        Offer(SuppressGoAhead, replies);
                    }
                    break;
                case State.Data:
                    data.Add(b);
                    break;
                case State.Command when b == Iac:
                    data.Add(Iac);
                    _state = State.Data;
                    break;
                case State.Command when b is Do or Dont or Will or Wont:
                    _verb = b;
                    _state = State.Option;
                    break;
                case State.Command when b == Sb:
                    _state = State.Subnegotiation;
                    break;
                case State.Command:
                    _state = State.Data; // NOP, AYT, BRK...: nothing to do for a serial console
                    break;
                case State.Option:
                    Answer(_verb, b, replies);
                    _state = State.Data;
                    break;
                case State.Subnegotiation:
                    _state = b == Iac ? State.SubnegotiationIac : State.Subnegotiation;
                    break;
                case State.SubnegotiationIac:
                    _state = b == Se ? State.Data : State.Subnegotiation;
                    break;
            }
        }
    }

    private void Offer(byte option, List<byte> replies)
    {
        _willing.Add(option);
        replies.AddRange([Iac, Will, option]);
    }

    // Answers only changes of state, so two peers never loop on acknowledgements.
    private void Answer(byte verb, byte option, List<byte> replies)
    {
        var ours = option is Echo or SuppressGoAhead;
        switch (verb)
        {
            case Do when ours && _willing.Add(option):
                replies.AddRange([Iac, Will, option]);
                break;
            case Do when !ours:
                replies.AddRange([Iac, Wont, option]);
                break;
            case Dont when _willing.Remove(option):
                replies.AddRange([Iac, Wont, option]);
                break;
            case Will when _heard.Add(option):
                replies.AddRange([Iac, option == SuppressGoAhead ? Do : Dont, option]);
                break;
        }
    }
}
