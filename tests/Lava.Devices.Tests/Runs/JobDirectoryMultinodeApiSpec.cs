using System.Text.Json;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Runs;
using Xunit;
using ShellRequest = Lava.Devices.TestShell.MultinodeRequest;

namespace Lava.Devices.Tests.Runs;

/// <summary>The runner's MultiNode side: a call becomes a request line, its answer line becomes what the shell helper reads.</summary>
public sealed class JobDirectoryMultinodeApiSpec : IDisposable
{
    private readonly JobDirectory _directory = new(Path.Combine(Path.GetTempPath(), "lava-mn-" + Guid.NewGuid().ToString("N")));

    public JobDirectoryMultinodeApiSpec() => Directory.CreateDirectory(_directory.Path);

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    [Theory]
    [InlineData("LAVA_SEND", "<LAVA_SEND_COMPLETE>")]
    [InlineData("LAVA_SYNC", "<LAVA_SYNC_COMPLETE>")]
    [InlineData("LAVA_WAIT", "<LAVA_WAIT_COMPLETE>")]
    public void An_answer_without_data_must_complete_the_call(string api, string expected) =>
        Assert.Equal(expected, JobDirectoryMultinodeApi.Format(api, new MultinodeAnswer(7, 1, [new MultinodeMessage(8, "server", None)])));

    [Fact]
    public void A_wait_must_list_every_members_data_as_job_key_value()
    {
        var answer = new MultinodeAnswer(7, 3, [
            new MultinodeMessage(8, "server", new Dictionary<string, string> { ["ip"] = "10.0.0.9", ["port"] = "80" }),
            new MultinodeMessage(9, "server", new Dictionary<string, string> { ["ip"] = "10.0.0.10" })]);

        Assert.Equal("<LAVA_WAIT_ALL_COMPLETE 8:ip=10.0.0.9 8:port=80 9:ip=10.0.0.10>", JobDirectoryMultinodeApi.Format("LAVA_WAIT_ALL", answer));
        Assert.Equal("<LAVA_WAIT_COMPLETE 8:ip=10.0.0.9 8:port=80 9:ip=10.0.0.10>", JobDirectoryMultinodeApi.Format("LAVA_WAIT", answer));
    }

    [Fact]
    public void An_error_must_be_a_nack_the_helper_can_read_to_its_end()
    {
        Assert.Equal("<LAVA_WAIT_NACK job 7 has ended>", JobDirectoryMultinodeApi.Format("LAVA_WAIT", new MultinodeAnswer(7, 1, [], "job 7 has ended")));
        Assert.Equal("<LAVA_SEND_NACK a) b c>", JobDirectoryMultinodeApi.Format("LAVA_SEND", new MultinodeAnswer(7, 1, [], "a> b\nc")));
    }

    [Fact]
    public async Task A_call_must_write_its_request_and_return_once_its_answer_is_written()
    {
        var api = new JobDirectoryMultinodeApi(_directory, pollInterval: TimeSpan.FromMilliseconds(5));

        var send = api.RequestAsync(new ShellRequest("LAVA_SEND", "ready", ["ip=10.0.0.9", "junk", "k=a=b"]), CancellationToken.None);
        var waitAll = api.RequestAsync(new ShellRequest("LAVA_WAIT_ALL", "done", ["client"]), CancellationToken.None);

        var lines = File.ReadAllLines(_directory.MultinodeRequestsFile).Select(l => JsonSerializer.Deserialize<MultinodeRequestLine>(l, JobDirectory.Json)!).ToList();
        Assert.Equal((1L, "send", "ready", (string?)null), (lines[0].Seq, lines[0].Call, lines[0].MessageId, lines[0].Role));
        Assert.Equal(new Dictionary<string, string> { ["ip"] = "10.0.0.9", ["k"] = "a=b" }, lines[0].Data);
        Assert.Equal((2L, "wait-all", "done", "client"), (lines[1].Seq, lines[1].Call, lines[1].MessageId, lines[1].Role));
        Assert.False(send.IsCompleted);

        // The answers come out of order, the second one first, and the first one in two writes.
        JobDirectory.AppendJsonLine(_directory.MultinodeAnswersFile, new MultinodeAnswer(7, 2, [new MultinodeMessage(9, "client", new Dictionary<string, string> { ["x"] = "1" })]));
        Assert.Equal("<LAVA_WAIT_ALL_COMPLETE 9:x=1>", await waitAll.WaitAsync(TimeSpan.FromSeconds(10)));
        var first = JsonSerializer.Serialize(new MultinodeAnswer(7, 1, []), JobDirectory.Json);
        await File.AppendAllTextAsync(_directory.MultinodeAnswersFile, first[..5]);
        await File.AppendAllTextAsync(_directory.MultinodeAnswersFile, first[5..] + "\n");
        Assert.Equal("<LAVA_SEND_COMPLETE>", await send.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Numbers_must_go_on_after_the_requests_already_written_and_an_unknown_call_is_refused()
    {
        JobDirectory.AppendJsonLine(_directory.MultinodeRequestsFile, new MultinodeRequestLine(1, "send", "a", null, None));
        var api = new JobDirectoryMultinodeApi(_directory, pollInterval: TimeSpan.FromMilliseconds(5));

        Assert.Equal("<LAVA_FOO_NACK unknown MultiNode call LAVA_FOO>", await api.RequestAsync(new ShellRequest("LAVA_FOO", "x", []), CancellationToken.None));
        using var cancel = new CancellationTokenSource();
        var sync = api.RequestAsync(new ShellRequest("LAVA_SYNC", "go", []), cancel.Token);

        var line = JsonSerializer.Deserialize<MultinodeRequestLine>(File.ReadAllLines(_directory.MultinodeRequestsFile)[^1], JobDirectory.Json)!;
        Assert.Equal((2L, "sync"), (line.Seq, line.Call));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sync);
    }

    public void Dispose() => Directory.Delete(_directory.Path, recursive: true);
}
