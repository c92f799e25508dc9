using System.Globalization;
using System.Text;

namespace Lava.Devices.Consoles;

/// <summary>
/// A device dictionary's <c>connection_command</c> (rendered as <c>commands.connect</c>), split into argv as LAVA does
/// (shell quoting rules, no shell). <c>telnet HOST [PORT]</c> is opened as a <see cref="TelnetConsole"/> without a
/// telnet binary; a local serial line, named by its path alone (<c>/dev/ttyUSB0</c>) or as picocom names it
/// (<c>picocom -b 115200 /dev/ttyUSB0</c>), is opened as a <see cref="SerialConsole"/> without a picocom binary; any
/// other command runs as a <see cref="ProcessConsole"/>.
/// </summary>
public sealed class ConnectionCommand
{
    private const int DefaultTelnetPort = 23;

    private ConnectionCommand(string text, IReadOnlyList<string> arguments)
    {
        Text = text;
        Arguments = arguments;
        if (arguments is ["telnet", var host, ..] && arguments.Count <= 3 && !host.StartsWith('-'))
        {
            TelnetHost = host;
            TelnetPort = arguments.Count == 3 ? ParsePort(arguments[2], text) : DefaultTelnetPort;
        }
        else if (arguments is [var device] && device.StartsWith('/'))
        {
            SerialDevice = device;
        }
        else if (arguments.Count is 2 or 4 && arguments[0] == "picocom" && arguments[^1].StartsWith('/'))
        {
            SerialDevice = arguments[^1];
            if (arguments.Count == 4)
            {
                SerialBaudRate = arguments[1] is "-b" or "--baud"
                    ? ParseBaud(arguments[2], text)
                    : throw new FormatException($"'{text}': only picocom's -b BAUD option is understood");
            }
        }
    }

    /// <summary>The command as written.</summary>
    public string Text { get; }

    /// <summary>The program and its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The host of a plain <c>telnet HOST [PORT]</c> command; null for any other command.</summary>
    public string? TelnetHost { get; }

    /// <summary>The path of a local serial line (a bare path, or picocom's last argument); null otherwise.</summary>
    public string? SerialDevice { get; }

    /// <summary>The serial line's baud rate (picocom's <c>-b</c>; 115200 when not given).</summary>
    public int SerialBaudRate { get; } = 115200;

    /// <summary>The port of a plain telnet command (23 when not given); 0 for any other command.</summary>
    public int TelnetPort { get; }

    /// <summary>Splits <paramref name="command"/>; throws <see cref="FormatException"/> for an empty command,
    /// an unterminated quote or a telnet port that is not a number in 1..65535.</summary>
    public static ConnectionCommand Parse(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var arguments = Split(command);
        if (arguments.Count == 0)
        {
            throw new FormatException("The connection command is empty.");
        }
        return new ConnectionCommand(command, arguments);
    }

    /// <summary>Opens the console; throws <see cref="ConsoleClosedException"/> when it cannot be reached or started.</summary>
    public async Task<IConsoleConnection> OpenAsync(CancellationToken cancellationToken) =>
        TelnetHost is { } host ? await TelnetConsole.ConnectAsync(host, TelnetPort, cancellationToken).ConfigureAwait(false)
        : SerialDevice is { } device ? SerialConsole.Open(device, SerialBaudRate)
        : ProcessConsole.Start(Arguments);

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int ParseBaud(string baud, string command) =>
        int.TryParse(baud, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FormatException($"'{command}': the baud rate '{baud}' is not a positive number");

    private static int ParsePort(string port, string command) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
            ? value
            : throw new FormatException($"'{command}': '{port}' is not a TCP port.");

    // POSIX shell words, as Python's shlex.split: quotes group, a backslash escapes outside single quotes.
    private static List<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"'{command}': unterminated single quote.");
                    }
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(command, i + 1, word);
                    break;
                case '\\' when i + 1 < command.Length:
                    word.Append(command[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private static int ReadDoubleQuoted(string command, int start, StringBuilder word)
    {
        for (var i = start; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '"')
            {
                return i;
            }
            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
            {
                c = command[++i];
            }
            word.Append(c);
        }
        throw new FormatException($"'{command}': unterminated double quote.");
    }
}
