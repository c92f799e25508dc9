using System.Text;
using System.Text.RegularExpressions;

namespace Lava.Devices.TestShell;

/// <summary>
/// Reads the signals of §6.3 from console text. <see cref="Feed"/> takes text as it comes (partial lines are kept
/// until their end arrives; CR and ANSI escape sequences are ignored; a signal may sit in the middle of a line) and
/// returns the signals of the lines it completed, in order; <see cref="Parse"/> reads one signal's text. Malformed
/// signals come back as <see cref="MalformedSignal"/>. Not thread-safe.
/// </summary>
public sealed partial class SignalParser
{
    private const int MaxPartialLine = 65536;
    private readonly StringBuilder _partial = new();

    /// <summary>The regular expression that finds a signal's text, for a console expect.</summary>
    public static Regex Pattern { get; } = SignalPattern();

    /// <summary>Adds <paramref name="text"/>; returns the signals in the lines it completed.</summary>
    public IReadOnlyList<ShellSignal> Feed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var signals = new List<ShellSignal>();
        foreach (var c in text)
        {
            if (c == '\n')
            {
                ReadLine(_partial.ToString(), signals);
                _partial.Clear();
            }
            else if (_partial.Length < MaxPartialLine)
            {
                _partial.Append(c);
            }
        }
        return signals;
    }

    /// <summary>The signals of the partial line held, which is then dropped (the console ended without a line end).</summary>
    public IReadOnlyList<ShellSignal> Flush()
    {
        var signals = new List<ShellSignal>();
        ReadLine(_partial.ToString(), signals);
        _partial.Clear();
        return signals;
    }

    /// <summary>Reads one signal text such as <c>&lt;LAVA_SIGNAL_TESTSET STOP&gt;</c>.</summary>
    public static ShellSignal Parse(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        var m = SignalPattern().Match(signal);
        if (!m.Success)
        {
            return new MalformedSignal(signal, "not a signal");
        }
        if (m.Groups["runner"].Success)
        {
            return m.Groups["runner"].Value == "EXIT" ? new RunnerExit() : new RunnerInstallFail();
        }
        if (m.Groups["api"].Success)
        {
            var words = Words(m.Groups["margs"].Value);
            return words.Length == 0
                ? new MalformedSignal(m.Value, $"LAVA_{m.Groups["api"].Value} without a message id")
                : new MultinodeRequest("LAVA_" + m.Groups["api"].Value, words[0], words[1..]);
        }
        return Signal(m.Value, m.Groups["name"].Value, Words(m.Groups["params"].Value));
    }

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static ShellSignal Signal(string text, string name, string[] p) => name switch
    {
        "STARTRUN" when p.Length == 2 => new StartRun(p[0], p[1]),
        "ENDRUN" when p.Length == 2 => new EndRun(p[0], p[1]),
        "STARTTC" when p.Length >= 1 => new StartTestCase(p[0]),
        "ENDTC" when p.Length >= 1 => new EndTestCase(p[0]),
        "TESTCASE" => TestCaseOf(text, p),
        "TESTSET" when p is ["START", var set, ..] => new TestSetStart(set),
        "TESTSET" when p is ["START"] => new MalformedSignal(text, "Test set declared without a name"),
        "TESTSET" when p is ["STOP", ..] => new TestSetStop(),
        "TESTRAISE" => new TestRaise(string.Join(' ', p)),
        "TESTREFERENCE" when p.Length == 3 => new TestReference(p[0], p[1], p[2]),
        "TESTREFERENCE" => new MalformedSignal(text, "Invalid use of TESTREFERENCE"),
        "TESTEVENT" => new TestEvent(string.Join(' ', p)),
        "TESTFEEDBACK" when p.Length >= 1 => new TestFeedback(p[0]),
        _ => new MalformedSignal(text, $"Unknown or incomplete signal {name}"),
    };

    private static ShellSignal TestCaseOf(string text, string[] parameters)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var parts = parameter.Split('=');
            if (parts.Length != 2)
            {
                return new MalformedSignal(text, $"Ignoring malformed parameter for signal: \"{parameter}\". ");
            }
            fields[parts[0].ToLowerInvariant()] = parts[1];
        }
        if (!fields.TryGetValue("test_case_id", out var id) || !fields.TryGetValue("result", out var result))
        {
            return new MalformedSignal(text, "TESTCASE without TEST_CASE_ID or RESULT");
        }
        return new TestCase(id, result, fields.GetValueOrDefault("measurement"), fields.GetValueOrDefault("units"), fields);
    }

    private static void ReadLine(string line, List<ShellSignal> signals)
    {
        var clean = AnsiEscape().Replace(line, "").Replace("\r", "", StringComparison.Ordinal);
        var found = SignalPattern().Matches(clean);
        foreach (Match m in found)
        {
            signals.Add(Parse(m.Value));
        }
        // A signal start that no match covers was cut (by kernel messages, a lost byte): say so.
        foreach (Match start in SignalStart().Matches(clean))
        {
            if (!found.Any(m => start.Index >= m.Index && start.Index < m.Index + m.Length))
            {
                signals.Add(new MalformedSignal(clean[start.Index..], "incomplete signal"));
            }
        }
    }

    [GeneratedRegex(@"<LAVA_SIGNAL_(?<name>\S+) (?<params>[^>]+)>|<LAVA_TEST_RUNNER (?<runner>EXIT|INSTALL_FAIL)>|<LAVA_MULTI_NODE> <LAVA_(?<api>SEND|WAIT_ALL|WAIT|SYNC) ?(?<margs>[^>]*)>")]
    private static partial Regex SignalPattern();

    [GeneratedRegex(@"<LAVA_SIGNAL_|<LAVA_TEST_RUNNER |<LAVA_MULTI_NODE>")]
    private static partial Regex SignalStart();

    [GeneratedRegex(@"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")]
    private static partial Regex AnsiEscape();
}
