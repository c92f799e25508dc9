using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>The spool files between a runner and its device actor: whole lines only, positions, the writer's numbering.</summary>
public sealed class SpoolSpec : IDisposable
{
    private readonly RunnerScripts _scripts = new();

    [Fact]
    public void A_reader_must_stop_before_an_unterminated_line_and_read_from_any_kept_line()
    {
        var path = Path.Combine(_scripts.DataDir, "output.yaml");
        File.WriteAllText(path, "zero\none\ntw");
        using var reader = new SpoolReader(path);

        Assert.Equal(2, reader.Scan());
        File.AppendAllText(path, "o\nthree\n");
        Assert.Equal(4, reader.Scan());
        Assert.Equal(["two", "three"], reader.Read(2, 10, 1024));
        Assert.Equal(["one"], reader.Read(1, 1, 1024));
        // A byte budget stops the chunk before the line that passes it, yet always gives one line.
        Assert.Equal(["zero"], reader.Read(0, 10, 6));
        Assert.Equal(["zero"], reader.Read(0, 10, 1));

        reader.Forget(3);
        Assert.Equal((3L, 4L), (reader.FirstKept, reader.Lines));
        Assert.Equal(["three"], reader.Read(3, 10, 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read(2, 10, 1024));

        // A new master that lacks forgotten lines gets them read again from the file.
        reader.Rewind(1);
        Assert.Equal((1L, 4L), (reader.FirstKept, reader.Lines));
        Assert.Equal(["one", "two", "three"], reader.Read(1, 10, 1024));
    }

    [Fact]
    public async Task A_line_logged_after_a_quiet_spell_must_reach_the_file_without_another_call()
    {
        var directory = _scripts.Job(1);
        await using var writer = SpoolWriter.Open(directory);
        using var log = new SpoolReader(directory.OutputFile);
        var at = DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        // Each line comes after the previous one is on disk and the writer has nothing buffered: its own flush brings it.
        for (var n = 1; n <= 3; n++)
        {
            writer.Log(LogRecord.Text(at, "info", $"line {n}"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (log.Scan() < n)
            {
                Assert.True(DateTime.UtcNow < deadline, $"line {n} did not reach {directory.OutputFile}");
                await Task.Delay(SpoolWriter.FlushInterval);
            }
        }
        Assert.Equal(3, log.Lines);
    }

    [Fact]
    public async Task A_writer_must_number_lines_and_cases_and_end_with_end_json()
    {
        var directory = _scripts.Job(1);
        var writer = SpoolWriter.Open(directory);
        var at = DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(0, writer.Log(LogRecord.Text(at, "info", "first")));
        Assert.Equal(1, writer.Log(LogRecord.Text(at, "results", "case one")));
        Assert.Equal(0, writer.Result(new TestCaseResult("lava", "one", "pass", null, null, null, null, at)));
        await writer.FlushAsync();
        using var log = new SpoolReader(directory.OutputFile);
        using var results = new SpoolReader(directory.ResultsFile);
        Assert.Equal((2L, 1L), (log.Scan(), results.Scan()));
        Assert.Null(directory.ReadEnd());

        await writer.EndAsync(RunEnd.Fail("Test", "boom"));

        Assert.Equal(LogLine.Format(LogRecord.Text(at, "info", "first")), log.Read(0, 1, 1024)[0]);
        var stored = System.Text.Json.JsonSerializer.Deserialize<TestCaseResult>(results.Read(0, 1, 1024)[0], JobDirectory.Json)!;
        Assert.Equal(("one", 1L), (stored.Name, stored.LogLine!.Value));
        Assert.Equal(RunEnd.Fail("Test", "boom"), directory.ReadEnd());
    }

    [Fact]
    public async Task A_writer_must_flush_on_its_own_without_being_asked()
    {
        var directory = _scripts.Job(2);
        await using var writer = SpoolWriter.Open(directory);
        using var log = new SpoolReader(directory.OutputFile);

        writer.Log(LogRecord.Text(DateTimeOffset.UtcNow, "info", "hello"));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (log.Scan() < 1) await Task.Delay(5, deadline.Token);
        Assert.Contains("hello", log.Read(0, 1, 1024)[0], StringComparison.Ordinal);
    }

    public void Dispose() => _scripts.Dispose();
}
