using System.Text.Json;
using Akka.Event;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Runs;

namespace Lava.Devices.Actors;

/// <summary>
/// MultiNode calls between the runner and the job's supervisor: the runner appends requests to
/// <c>multinode-requests.jsonl</c>; each new one goes to the supervisor as a <see cref="MultinodeRequest"/>, again with
/// every resend until its <see cref="MultinodeAnswer"/> comes (the supervisor serves a seq once), and the first answer
/// of each seq is appended to <c>multinode-answers.jsonl</c>. A re-adopted job reads back which seqs have answers and
/// asks again for the others.
/// </summary>
public sealed partial class DeviceActor
{
    private const int RequestsPerRead = 64;

    private void OnMultinodeAnswer(MultinodeAnswer answer)
    {
        if (_run?.JobId != answer.JobId || !_run.PendingCalls.Remove(answer.Seq)) return;
        JobDirectory.AppendJsonLine(_run.Directory.MultinodeAnswersFile, answer);
        _run.AnsweredCalls.Add(answer.Seq);
    }

    /// <summary>Reads the requests the runner appended since the last look and sends them; true when there were any.</summary>
    private bool ScanMultinode(JobRun run)
    {
        run.Requests.Scan();
        if (run.RequestsRead == run.Requests.Lines) return false;
        while (run.RequestsRead < run.Requests.Lines)
        {
            foreach (var text in run.Requests.Read(run.RequestsRead, RequestsPerRead, int.MaxValue))
            {
                run.RequestsRead++;
                if (ReadRequest(run.JobId, text) is not { } request
                    || run.AnsweredCalls.Contains(request.Seq) || !run.PendingCalls.TryAdd(request.Seq, request)) continue;
                run.Supervisor?.Tell(request, Self);
            }
        }
        run.Requests.Forget(run.RequestsRead);
        return true;
    }

    /// <summary>Asks again for every call without an answer (lost on the way, a restarted supervisor or worker).</summary>
    private void ResendCalls(JobRun run)
    {
        if (run.Supervisor is not { } supervisor || run.End is not null) return;
        foreach (var request in run.PendingCalls.Values) supervisor.Tell(request, Self);
    }

    /// <summary>
    /// Reads back the seqs a previous incarnation answered, cutting a line it left unfinished (its call is then asked
    /// again and answered once more).
    /// </summary>
    private void ReadAnswered(JobRun run)
    {
        using var answers = new SpoolReader(run.Directory.MultinodeAnswersFile);
        answers.Scan();
        for (var line = 0L; line < answers.Lines;)
        {
            foreach (var text in answers.Read(line, RequestsPerRead, int.MaxValue))
            {
                line++;
                if (Deserialize<MultinodeAnswer>(text) is { } answer) run.AnsweredCalls.Add(answer.Seq);
            }
        }
        if (File.Exists(run.Directory.MultinodeAnswersFile) && new FileInfo(run.Directory.MultinodeAnswersFile).Length > answers.CompleteBytes)
        {
            using var file = new FileStream(run.Directory.MultinodeAnswersFile, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.SetLength(answers.CompleteBytes);
        }
    }

    private MultinodeRequest? ReadRequest(long jobId, string text)
    {
        if (Deserialize<MultinodeRequestLine>(text) is { } line)
            return new MultinodeRequest(jobId, line.Seq, line.Call, line.MessageId, line.Role, line.Data ?? new Dictionary<string, string>());
        _log.Warning("Job {JobId}: unreadable MultiNode request {Line}", jobId, text);
        return null;
    }

    private static T? Deserialize<T>(string text) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, JobDirectory.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
