using System.Text;
using System.Text.RegularExpressions;

namespace Lava.Devices.Consoles;

/// <summary>
/// The expect engine on a console connection, as LAVA's pexpect session: reads the console all the time from its
/// creation, hands every line to an <see cref="IConsoleLog"/>, waits for patterns with a timeout and types lines and
/// control characters. One expect at a time; sends may come from another task. Disposing closes the connection.
/// </summary>
public sealed class ConsoleExpect : IAsyncDisposable
{
    private const int LastOutputLength = 256;

    private readonly IConsoleConnection _connection;
    private readonly IConsoleLog _log;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly ConsoleDecoder _decoder = new();
    // Match text not consumed by a match yet: _buffer[.._buffered], at most SearchWindow characters. An array, not a
    // StringBuilder, so that every read's search runs on it in place instead of on a copy.
    private char[] _buffer = new char[1024];
    private int _buffered;
    private readonly StringBuilder _incoming = new();
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = NewSignal();
    private string _echo = "";
    private string? _closedReason;
    private int _disposed;

    /// <summary>Starts reading <paramref name="connection"/>, logging to <paramref name="log"/>.</summary>
    public ConsoleExpect(IConsoleConnection connection, IConsoleLog log, ConsoleExpectOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(log);
        _connection = connection;
        _log = log;
        Options = options ?? new ConsoleExpectOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.SearchWindow);
        _clock = clock ?? TimeProvider.System;
        _reader = Task.Run(ReadAllAsync);
    }

    /// <summary>The options in use.</summary>
    public ConsoleExpectOptions Options { get; }

    /// <summary>The connection read and written.</summary>
    public IConsoleConnection Connection => _connection;

    /// <summary>
    /// Waits until one of <paramref name="patterns"/> matches the output read since the previous match; when several
    /// match, the one matching earliest in the output wins (the lower index on a tie). Output up to the end of the
    /// match is consumed. Throws <see cref="ConsoleTimeoutException"/> when nothing matched within
    /// <paramref name="timeout"/> (the partial line is logged then), <see cref="ConsoleClosedException"/> when the
    /// connection ended first, <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fired.
    /// </summary>
    public async Task<ExpectMatch> ExpectAsync(IReadOnlyList<Regex> patterns, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentOutOfRangeException.ThrowIfZero(patterns.Count);
        var started = _clock.GetTimestamp();
        using var expired = new CancellationTokenSource(timeout, _clock);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(expired.Token, cancellationToken);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (TryMatch(patterns) is { } found)
                {
                    return found;
                }
                if (_closedReason is { } reason)
                {
                    throw new ConsoleClosedException($"{reason} while waiting for {Describe(patterns)}");
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                lock (_gate)
                {
                    FlushDecoder(); // the partial line goes to the log, and what it held may still match
                    if (TryMatch(patterns) is { } found)
                    {
                        return found;
                    }
                    var last = new string(Unmatched[Math.Max(0, _buffered - LastOutputLength)..]);
                    throw new ConsoleTimeoutException([.. patterns.Select(p => p.ToString())], _clock.GetElapsedTime(started), last);
                }
            }
        }
    }

    /// <summary>Waits for patterns given as regular expression texts (as in LAVA's <c>prompts</c>); see the other overload.</summary>
    public Task<ExpectMatch> ExpectAsync(IReadOnlyList<string> patterns, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return ExpectAsync([.. patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant))], timeout, cancellationToken);
    }

    /// <summary>
    /// Types <paramref name="line"/> and <see cref="ConsoleExpectOptions.LineEnding"/>, a character at a time with
    /// <paramref name="characterDelay"/> (or <see cref="ConsoleExpectOptions.CharacterDelay"/>) between them. Logs the
    /// line as input. Throws <see cref="ConsoleClosedException"/> when the connection is gone.
    /// </summary>
    public Task SendLineAsync(string line, TimeSpan? characterDelay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        return TypeAsync(line, line + Options.LineEnding, characterDelay, cancellationToken);
    }

    /// <summary>Types <paramref name="text"/> as is (no line ending); otherwise as <see cref="SendLineAsync"/>.</summary>
    public Task SendAsync(string text, TimeSpan? characterDelay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TypeAsync(text, text, characterDelay, cancellationToken);
    }

    /// <summary>Types Ctrl and <paramref name="key"/> (a letter or one of <c>@[\]^_</c>): <c>'c'</c> sends 0x03.</summary>
    public Task SendControlAsync(char key, CancellationToken cancellationToken = default)
    {
        var upper = char.ToUpperInvariant(key);
        if (upper is < '@' or > '_')
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, "Not a key that Ctrl can be typed with.");
        }
        var control = ((char)(upper - '@')).ToString();
        return TypeAsync(control, control, TimeSpan.Zero, cancellationToken, expectEcho: false);
    }

    /// <summary>Drops the output not matched yet from the search (it stays in the log) and returns it, as LAVA
    /// empties pexpect's buffer before a new interaction.</summary>
    public string DiscardUnmatched()
    {
        lock (_gate)
        {
            var unmatched = new string(Unmatched);
            _buffered = 0;
            _echo = "";
            return unmatched;
        }
    }

    /// <summary>Closes the connection, stops reading and logs the partial line. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _connection.CloseAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _stopping.Dispose();
        _sending.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Describe(IReadOnlyList<Regex> patterns) => string.Join(", ", patterns.Select(p => $"'{p}'"));

    private async Task TypeAsync(string logged, string text, TimeSpan? characterDelay, CancellationToken cancellationToken, bool expectEcho = true)
    {
        var delay = characterDelay ?? Options.CharacterDelay;
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_closedReason is { } reason)
                {
                    throw new ConsoleClosedException($"{reason}; cannot send '{ConsoleText.Visible(logged)}'");
                }
                FlushDecoder(); // the device's partial line (a prompt) comes before what we type in the log
                _log.Input(ConsoleText.Visible(logged));
                if (expectEcho && Options.SkipEcho)
                {
                    _echo = Normalise(text);
                }
            }
            if (delay <= TimeSpan.Zero)
            {
                await _connection.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
                return;
            }
            var first = true;
            foreach (var rune in text.EnumerateRunes())
            {
                if (!first)
                {
                    await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
                }
                first = false;
                await _connection.WriteAsync(Encoding.UTF8.GetBytes(rune.ToString()), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    // The echo as match text shows it: a tty echoes CR and LF as a line end.
    private static string Normalise(string sent) => sent.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private async Task ReadAllAsync()
    {
        // Each read is followed by a search of up to SearchWindow characters: a fast console must come in large reads,
        // or searching costs far more than reading.
        var buffer = new byte[Options.SearchWindow];
        string reason;
        try
        {
            while (true)
            {
                var read = await _connection.ReadAsync(buffer, _stopping.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    reason = $"{_connection.Description}: closed by the far end";
                    break;
                }
                lock (_gate)
                {
                    _decoder.Feed(buffer.AsSpan(0, read), _incoming, _lines);
                    Publish();
                }
            }
        }
        catch (Exception e) when (e is ConsoleClosedException or OperationCanceledException)
        {
            reason = _stopping.IsCancellationRequested ? $"{_connection.Description}: closed" : e.Message;
        }
        lock (_gate)
        {
            FlushDecoder();
            _closedReason = reason;
            Signal();
        }
    }

    private void FlushDecoder()
    {
        _decoder.Flush(_incoming, _lines);
        Publish();
    }

    // Called under _gate: logs complete lines and adds new match text, less the echo of what was sent.
    private void Publish()
    {
        foreach (var line in _lines)
        {
            _log.Target(line);
        }
        _lines.Clear();
        if (_incoming.Length == 0)
        {
            return;
        }
        var skip = 0;
        while (skip < _echo.Length && skip < _incoming.Length && _incoming[skip] == _echo[skip])
        {
            skip++;
        }
        _echo = skip < _incoming.Length || skip == _echo.Length ? "" : _echo[skip..];
        // Only the last SearchWindow characters of the old and the new text are searched.
        var added = Math.Min(_incoming.Length - skip, Options.SearchWindow);
        Consume(Math.Max(0, _buffered + added - Options.SearchWindow));
        if (_buffered + added > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(Options.SearchWindow, Math.Max(_buffered + added, 2 * _buffer.Length)));
        }
        _incoming.CopyTo(_incoming.Length - added, _buffer.AsSpan(_buffered), added);
        _buffered += added;
        _incoming.Clear();
        Signal();
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    // Called under _gate.
    private ExpectMatch? TryMatch(IReadOnlyList<Regex> patterns)
    {
        // Searched in place; the text is copied into a string (for the Match and what came before it) only on a match.
        var (index, at) = (-1, int.MaxValue);
        for (var i = 0; i < patterns.Count; i++)
        {
            foreach (var m in patterns[i].EnumerateMatches(Unmatched))
            {
                if (m.Index < at)
                {
                    (index, at) = (i, m.Index);
                }
                break;
            }
        }
        if (index < 0)
        {
            return null;
        }
        var text = new string(Unmatched);
        var best = patterns[index].Match(text);
        Consume(best.Index + best.Length);
        return new ExpectMatch(index, patterns[index], text[..best.Index], best);
    }

    private ReadOnlySpan<char> Unmatched => _buffer.AsSpan(0, _buffered);

    // Called under _gate: drops the oldest count characters of the match text.
    private void Consume(int count)
    {
        _buffer.AsSpan(count, _buffered - count).CopyTo(_buffer);
        _buffered -= count;
    }
}
