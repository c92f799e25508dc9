using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>How a <see cref="SimulatedPdu"/> listens and which board each outlet feeds.</summary>
public sealed record SimulatedPduOptions
{
    /// <summary>The PDU's name, for listings.</summary>
    public required string Name { get; init; }

    /// <summary>The TCP address it listens on.</summary>
    /// <value><c>127.0.0.1</c> by default.</value>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Its TCP port; 0 picks a free one (see <see cref="SimulatedPdu.Port"/>).</summary>
    /// <value>0 by default.</value>
    public int Port { get; init; }

    /// <summary>The boards, by outlet number.</summary>
    public required ImmutableDictionary<int, SimulatedBoard> Outlets { get; init; }

    /// <summary>How long <c>reboot</c> leaves an outlet off.</summary>
    /// <value>1 s by default.</value>
    public TimeSpan RebootDelay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A network power switch with a line protocol over TCP, for device dictionaries' power commands. Each line is one
/// command, answered with one line once it is done: <c>on N</c>, <c>off N</c>, <c>reboot N</c> answer <c>ok</c>;
/// <c>status N</c> answers <c>ok on</c> or <c>ok off</c>; anything wrong (unknown command or outlet, an outlet whose
/// board has the fail-power fault) answers <c>error: …</c> and switches nothing. A client may send several lines on
/// one connection, or send one and close without reading the answer.
/// </summary>
public sealed class SimulatedPdu : IAsyncDisposable
{
    private const string Usage = "on|off|reboot|status OUTLET";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private SimulatedPdu(SimulatedPduOptions options)
    {
        Options = options;
        _listener = new TcpListener(IPAddress.Parse(options.Host), options.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>What the PDU was started with.</summary>
    public SimulatedPduOptions Options { get; }

    /// <summary>The TCP port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Writes a bash script to <paramref name="path"/> that sends one command to this PDU over bash's <c>/dev/tcp</c>
    /// (<c>bash PATH VERB OUTLET</c>) and exits 0 when it answers ok: a device dictionary's <c>pdu_command</c> that
    /// starts no .NET process at each power change, as <c>lava sim-pdu</c> would. Returns <paramref name="path"/>.
    /// </summary>
    public string WriteShellClient(string path)
    {
        File.WriteAllText(path, $$"""
            #!/bin/bash
            # VERB OUTLET: one command to the simulated PDU {{Options.Name}}; exit 0 when it answers ok
            exec 3<>/dev/tcp/{{Options.Host}}/{{Port}}
            printf '%s %s\n' "$1" "$2" >&3
            read -r -t 30 answer <&3
            echo "$answer"
            case "$answer" in ok*) exit 0;; *) exit 1;; esac

            """);
        return path;
    }

    /// <summary>Starts listening.</summary>
    /// <exception cref="SocketException">The port is taken or the address is not local.</exception>
    public static SimulatedPdu Start(SimulatedPduOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SimulatedPdu(options);
    }

    /// <summary>Runs one command line and returns its answer, as a client over TCP would get it.</summary>
    public async Task<string> ExecuteAsync(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 2 || words[0].ToLowerInvariant() is not ("on" or "off" or "reboot" or "status"))
        {
            return $"error: unknown command '{command.Trim()}' (expected: {Usage})";
        }
        if (!int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var outlet)
            || !Options.Outlets.TryGetValue(outlet, out var board))
        {
            return $"error: unknown outlet '{words[1]}' (outlets: {string.Join(", ", Options.Outlets.Keys.Order())})";
        }
        var verb = words[0].ToLowerInvariant();
        if (verb == "status")
        {
            return board.IsPoweredOn ? "ok on" : "ok off";
        }
        if (board.Options.Faults.FailPower)
        {
            return $"error: outlet {outlet} ({board.Name}) failed to switch {verb}";
        }
        switch (verb)
        {
            case "on":
                await board.PowerOnAsync().ConfigureAwait(false);
                break;
            case "off":
                await board.PowerOffAsync().ConfigureAwait(false);
                break;
            default:
                await board.PowerOffAsync().ConfigureAwait(false);
                await Task.Delay(Options.RebootDelay, _stopping.Token).ConfigureAwait(false);
                await board.PowerOnAsync().ConfigureAwait(false);
                break;
        }
        return "ok";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the listener was stopped under the pending accept
        }
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                while (await reader.ReadLineAsync(_stopping.Token).ConfigureAwait(false) is { } command)
                {
                    if (string.IsNullOrWhiteSpace(command))
                    {
                        continue;
                    }
                    var answer = await ExecuteAsync(command).ConfigureAwait(false);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(answer + "\n"), _stopping.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // a client that sent its command and left without reading the answer, or the PDU stopping
            }
        }
    }
}
