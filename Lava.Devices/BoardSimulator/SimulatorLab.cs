using System.Collections.Immutable;
using System.Net.Sockets;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The boards and PDUs of a <see cref="SimulatorLabDefinition"/>, running: what <c>./lava sim FILE</c> starts. A board
/// on a PDU outlet starts powered off (its PDU powers it, as a device dictionary's power commands do); a board on
/// no outlet starts powered on. Disposing powers everything off and closes every port.
/// </summary>
public sealed class SimulatorLab : IAsyncDisposable
{
    private SimulatorLab(ImmutableArray<SimulatedBoard> boards, ImmutableArray<SimulatedPdu> pdus)
    {
        Boards = boards;
        Pdus = pdus;
    }

    /// <summary>The running boards, in file order.</summary>
    public ImmutableArray<SimulatedBoard> Boards { get; }

    /// <summary>The running PDUs, in file order.</summary>
    public ImmutableArray<SimulatedPdu> Pdus { get; }

    /// <summary>
    /// Starts every board and PDU; <paramref name="fast"/> sends console output unpaced (baud rate 0), for tests.
    /// Throws <see cref="SimulatorLabException"/> naming the board or PDU whose port cannot be opened.
    /// </summary>
    public static async Task<SimulatorLab> StartAsync(SimulatorLabDefinition definition, bool fast = false)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var boards = ImmutableArray.CreateBuilder<SimulatedBoard>();
        var pdus = ImmutableArray.CreateBuilder<SimulatedPdu>();
        var lab = (SimulatorLab?)null;
        try
        {
            foreach (var options in definition.Boards)
            {
                var board = fast ? options with { BaudRate = 0, Faults = options.Faults with { SlowConsoleBaud = null } } : options;
                boards.Add(Open($"board {options.Name}", options.Port, () => SimulatedBoard.Start(board)));
            }
            var byName = boards.ToImmutableDictionary(b => b.Name, StringComparer.Ordinal);
            foreach (var pdu in definition.Pdus)
            {
                var options = new SimulatedPduOptions
                {
                    Name = pdu.Name,
                    Host = pdu.Host,
                    Port = pdu.Port,
                    Outlets = pdu.Outlets.ToImmutableDictionary(o => o.Key, o => byName[o.Value]),
                    RebootDelay = pdu.RebootDelay,
                };
                pdus.Add(Open($"pdu {pdu.Name}", pdu.Port, () => SimulatedPdu.Start(options)));
            }
            lab = new SimulatorLab(boards.ToImmutable(), pdus.ToImmutable());
            var outlets = definition.Pdus.SelectMany(p => p.Outlets.Values).ToHashSet(StringComparer.Ordinal);
            foreach (var board in lab.Boards.Where(b => !outlets.Contains(b.Name)))
            {
                await board.PowerOnAsync().ConfigureAwait(false);
            }
            return lab;
        }
        catch
        {
            await (lab ?? new SimulatorLab(boards.ToImmutable(), pdus.ToImmutable())).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One line per board and PDU: where it listens and how to use it.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var board in Boards)
        {
            var power = board.IsPoweredOn ? "on" : "off";
            yield return $"board {board.Name}: console {board.Options.Host}:{board.Port} " +
                         $"(connection_command: telnet {board.Options.Host} {board.Port}), power {power}";
        }
        foreach (var pdu in Pdus)
        {
            var outlets = string.Join(", ", pdu.Options.Outlets.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value.Name}"));
            yield return $"pdu {pdu.Options.Name}: {pdu.Options.Host}:{pdu.Port}, outlets {outlets} " +
                         $"(power_on_command: ./lava sim-pdu {pdu.Options.Host}:{pdu.Port} on OUTLET)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pdu in Pdus)
        {
            await pdu.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var board in Boards)
        {
            await board.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static T Open<T>(string what, int port, Func<T> start)
    {
        try
        {
            return start();
        }
        catch (SocketException e)
        {
            throw new SimulatorLabException($"{what}: cannot listen on port {port}: {e.Message}");
        }
    }
}
