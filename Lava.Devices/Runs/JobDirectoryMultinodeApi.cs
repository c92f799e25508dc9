using System.Globalization;
using System.Text;
using System.Text.Json;
using Lava.Actors.Jobs.Running;
using Lava.Devices.TestShell;
using ShellRequest = Lava.Devices.TestShell.MultinodeRequest;

namespace Lava.Devices.Runs;

/// <summary>
/// The job runner's MultiNode side: serves a test shell's <c>lava-send</c>, <c>lava-wait</c>, <c>lava-wait-all</c>
/// and <c>lava-sync</c> through the job directory (the device actor forwards them to the job's supervisor). Each call
/// appends a <see cref="MultinodeRequestLine"/> to <c>multinode-requests.jsonl</c> and waits, looking at
/// <c>multinode-answers.jsonl</c> every poll interval, for the <see cref="MultinodeAnswer"/> of its seq; the answer
/// becomes the line the shell's helper reads (<see cref="Format"/>). Thread-safe.
/// </summary>
public sealed class JobDirectoryMultinodeApi : IMultinodeApi
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly JobDirectory _directory;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _pollInterval;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, MultinodeAnswer> _answers = [];
    private long _seq;
    private long _answersRead;

    /// <param name="directory">The job's directory.</param>
    /// <param name="clock">Paces the polls.</param>
    /// <param name="pollInterval">How often the answers file is read while a call waits; 20 ms by default.</param>
    public JobDirectoryMultinodeApi(JobDirectory directory, TimeProvider? clock = null, TimeSpan? pollInterval = null)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _clock = clock ?? TimeProvider.System;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(20);
        // Numbers go on after the requests already written, so a seq never names two calls.
        _seq = File.Exists(directory.MultinodeRequestsFile) ? File.ReadAllBytes(directory.MultinodeRequestsFile).Count(b => b == (byte)'\n') : 0;
    }

    /// <summary>The protocol's call for a shell API name (<c>LAVA_WAIT_ALL</c> → <c>wait-all</c>), or null for an unknown one.</summary>
    public static string? Call(string api) => api switch
    {
        "LAVA_SEND" => MultinodeCalls.Send,
        "LAVA_WAIT" => MultinodeCalls.Wait,
        "LAVA_WAIT_ALL" => MultinodeCalls.WaitAll,
        "LAVA_SYNC" => MultinodeCalls.Sync,
        _ => null,
    };

    public async Task<string> RequestAsync(ShellRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Call(request.Api) is not { } call) return Nack(request.Api, $"unknown MultiNode call {request.Api}");
        long seq;
        lock (_lock)
        {
            seq = ++_seq;
            JobDirectory.AppendJsonLine(_directory.MultinodeRequestsFile, Line(seq, call, request));
        }
        while (true)
        {
            lock (_lock)
            {
                ReadAnswers();
                if (_answers.Remove(seq, out var answer)) return Format(request.Api, answer);
            }
            await Task.Delay(_pollInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The line typed back to the board for <paramref name="answer"/> to a call of <paramref name="api"/>:
    /// <c>&lt;API_NACK reason&gt;</c> for an error, else <c>&lt;API_COMPLETE&gt;</c>, or, with the members' data (a wait),
    /// <c>&lt;API_COMPLETE job:key=value …&gt;</c> as LAVA's dispatcher answers.
    /// </summary>
    public static string Format(string api, MultinodeAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Error is { } error) return Nack(api, error);
        var items = answer.Messages.SelectMany(m => m.Data.Select(d => string.Create(CultureInfo.InvariantCulture, $"{m.JobId}:{d.Key}={d.Value}"))).ToList();
        return items.Count == 0 ? $"<{api}_COMPLETE>" : $"<{api}_COMPLETE {string.Join(' ', items)}>";
    }

    // The helper reads up to the first '>' of one line.
    private static string Nack(string api, string reason) =>
        $"<{api}_NACK {reason.Replace('>', ')').Replace('\n', ' ').Replace('\r', ' ')}>";

    private static MultinodeRequestLine Line(long seq, string call, ShellRequest request)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        string? role = null;
        if (call == MultinodeCalls.Send)
        {
            foreach (var argument in request.Arguments)
            {
                if (argument.Split('=', 2) is [{ Length: > 0 } key, var value]) data[key] = value;
            }
        }
        else if (call == MultinodeCalls.WaitAll && request.Arguments.Count > 0)
        {
            role = request.Arguments[0];
        }
        return new MultinodeRequestLine(seq, call, request.MessageId, role, data);
    }

    // Reads the complete answer lines written since the last look.
    private void ReadAnswers()
    {
        byte[] bytes;
        try
        {
            using var file = new FileStream(_directory.MultinodeAnswersFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length <= _answersRead) return;
            file.Seek(_answersRead, SeekOrigin.Begin);
            bytes = new byte[file.Length - _answersRead];
            file.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        _answersRead += complete;
        foreach (var text in Utf8.GetString(bytes, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize<MultinodeAnswer>(text, JobDirectory.Json) is { } answer && answer.Seq > 0) _answers.TryAdd(answer.Seq, answer);
            }
            catch (JsonException)
            {
                // Not an answer: the call it was meant for keeps waiting, as for a lost one.
            }
        }
    }
}
