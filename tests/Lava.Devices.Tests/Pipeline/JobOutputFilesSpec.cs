using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>The runner's output files as the job directory contract defines them.</summary>
public sealed class JobOutputFilesSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lava-output-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2023, 1, 10, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Lines_cases_and_the_end_must_be_written_as_the_contract_says()
    {
        await using (var output = new JobOutputFiles(_directory, _clock))
        {
            Assert.Equal(0, output.Log("info", "start: 1 tftp-deploy (timeout 00:10:00) [common]"));
            Assert.Equal(1, output.Log("target", "U-Boot \\x1b"));
            var line = output.Result(new TestCaseResult("lava", "tftp-deploy", "pass", "1.50", "seconds", null, null, _clock.GetUtcNow(),
                new Dictionary<string, string> { ["level"] = "1" }));
            Assert.Equal(2, line);
            await output.EndAsync("fail", "Infrastructure", "Unable to power-on: 'pdu on 1' failed");
        }

        var lines = File.ReadAllLines(Path.Combine(_directory, "output.yaml"));
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "start: 1 tftp-deploy (timeout 00:10:00) [common]"}""", lines[0]);
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "results", "msg": {"case": "tftp-deploy", "definition": "lava", "result": "pass", "measurement": "1.50", "units": "seconds", "level": "1"}}""", lines[2]);
        Assert.Equal("U-Boot \\x1b", ((LogText)LogLine.Parse(lines[1]).Msg).Value);
        var recorded = JsonSerializer.Deserialize<TestCaseResult>(File.ReadAllLines(Path.Combine(_directory, "results.jsonl")).Single(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(2, recorded.LogLine);
        Assert.Equal("""{"result":"fail","errorType":"Infrastructure","errors":"Unable to power-on: \u0027pdu on 1\u0027 failed"}""" + "\n",
            File.ReadAllText(Path.Combine(_directory, "end.json")));
        Assert.False(File.Exists(Path.Combine(_directory, "end.json.tmp")));
    }

    [Fact]
    public async Task A_runner_reopening_the_directory_must_number_on_from_the_last_complete_line()
    {
        File.WriteAllText(Path.Combine(_directory, "output.yaml"), "- {\"dt\": \"x\"}\n- {\"dt\": \"y\"}\n- {\"dt\": \"unterminat");

        await using (var output = new JobOutputFiles(_directory, _clock))
        {
            Assert.Equal(2, output.Log("info", "again"));
        }

        var lines = File.ReadAllLines(Path.Combine(_directory, "output.yaml"));
        Assert.Equal(3, lines.Length);
        Assert.Equal("again", ((LogText)LogLine.Parse(lines[2]).Msg).Value);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
