namespace Lava.Devices.Consoles;

/// <summary>
/// Where <see cref="ConsoleExpect"/> reports the console's traffic, for the job's log (LAVA's <c>target</c> and
/// <c>input</c> records). Called in order from the reading and sending threads, never at the same time; an
/// implementation should only queue the line.
/// </summary>
public interface IConsoleLog
{
    /// <summary>
    /// One line the device printed, without its line ending; what is not printable (escape sequences, control
    /// characters, bytes that are not UTF-8) is shown escaped, as <c>\x1b</c>, never dropped. A partial line comes
    /// when an expect times out, before something is sent, and when the connection closes.
    /// </summary>
    void Target(string line);

    /// <summary>What was typed on the console, escaped the same way, without the line ending a send adds.</summary>
    void Input(string text);
}
