using System.Text;
using Lava.Actors.Jobs.Logs;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Logs;

public sealed class JobLogStoreSpecs : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2023, 1, 10, 10, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LogRecord Rec(long job, int n) =>
        LogRecord.Text(T0.AddTicks(n * 10L), n % 2 == 0 ? "target" : "info", $"job {job} line {n} ünï\n", n % 3 == 0 ? "ns" : null);

    private static LogRecord[] Recs(long job, int from, int count) => [.. Enumerable.Range(from, count).Select(n => Rec(job, n))];

    private static string[] Lines(long job, int from, int count) => [.. Recs(job, from, count).Select(LogLine.Format)];

    private string Yaml(long job) => Path.Combine(_dir, job.ToString(System.Globalization.CultureInfo.InvariantCulture), "output.yaml");

    private string Idx(long job) => Path.Combine(_dir, job.ToString(System.Globalization.CultureInfo.InvariantCulture), "output.idx");

    [Fact]
    public async Task A_wait_for_more_lines_must_end_with_the_append_that_brings_them_and_not_before()
    {
        var store = new JobLogStore(_dir);
        await store.AppendAsync(5, Recs(5, 0, 2));
        await store.WaitForLinesAsync(5, 1).WaitAsync(TimeSpan.FromSeconds(10)); // has more than 1 already

        var waiting = store.WaitForLinesAsync(5, 2);
        await store.AppendAsync(5, 0, Recs(5, 0, 2)); // a re-sent batch adds nothing
        Assert.False(waiting.IsCompleted);
        await store.AppendAsync(5, Recs(5, 2, 1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        using var stop = new CancellationTokenSource();
        var canceled = store.WaitForLinesAsync(5, 3, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
    }

    [Fact]
    public async Task Appended_batches_read_back_by_range()
    {
        var store = new JobLogStore(_dir);
        Assert.Equal(3, await store.AppendAsync(7, Recs(7, 0, 3)));
        Assert.Equal(3, await store.AppendAsync(7, []));
        Assert.Equal(10, await store.AppendAsync(7, Recs(7, 3, 7)));

        Assert.Equal(10, await store.CountAsync(7));
        Assert.Equal(Lines(7, 0, 10), await store.ReadAsync(7, 0, null));
        Assert.Equal(Lines(7, 2, 3), await store.ReadAsync(7, 2, 5));
        Assert.Equal(Lines(7, 8, 2), await store.ReadAsync(7, 8, 100));
        Assert.Equal(Lines(7, 9, 1), await store.ReadAsync(7, 9, null));
        Assert.Empty(await store.ReadAsync(7, 10, null));
        Assert.Empty(await store.ReadAsync(7, 20, 30));
        Assert.Empty(await store.ReadAsync(7, 5, 5));
        Assert.Empty(await store.ReadAsync(7, 6, 3));
        Assert.Equal(Recs(7, 0, 10), (await store.ReadAsync(7, 0, null)).Select(LogLine.Parse));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadAsync(7, -1, null));
    }

    [Fact]
    public async Task The_files_are_lavas_yaml_list_and_offset_index()
    {
        var store = new JobLogStore(_dir);
        await store.AppendAsync(3, Recs(3, 0, 4));

        var expected = string.Concat(Lines(3, 0, 4).Select(l => l + "\n"));
        Assert.Equal(expected, await File.ReadAllTextAsync(Yaml(3)));
        var idx = await File.ReadAllBytesAsync(Idx(3));
        var offsets = Enumerable.Range(0, idx.Length / 8).Select(i => BitConverter.ToInt64(idx, i * 8));
        long at = 0;
        Assert.Equal(Lines(3, 0, 4).Select(l => { var start = at; at += Encoding.UTF8.GetByteCount(l) + 1; return start; }), offsets);
        using var reader = new StreamReader(store.OpenReadStream(3)!);
        Assert.Equal(expected, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_resent_batch_skips_the_records_already_stored()
    {
        var store = new JobLogStore(_dir);
        Assert.Equal(4, await store.AppendAsync(8, 0, Recs(8, 0, 4)));
        Assert.Equal(6, await store.AppendAsync(8, 2, Recs(8, 2, 4))); // the reply to the first post was lost after line 2
        Assert.Equal(6, await store.AppendAsync(8, 0, Recs(8, 0, 6)));
        Assert.Equal(7, await store.AppendAsync(8, 6, Recs(8, 6, 1)));
        Assert.Equal(Lines(8, 0, 7), await store.ReadAsync(8, 0, null));
    }

    [Fact]
    public async Task A_job_without_a_log_is_empty()
    {
        var store = new JobLogStore(_dir);
        Assert.Equal(0, await store.CountAsync(42));
        Assert.Empty(await store.ReadAsync(42, 0, null));
        Assert.Null(store.OpenReadStream(42));
        Assert.False(Directory.Exists(Path.Combine(_dir, "42")));
    }

    [Fact]
    public async Task A_hundred_thousand_lines_are_read_by_range_through_the_index()
    {
        var store = new JobLogStore(_dir);
        for (var batch = 0; batch < 100; batch++)
            await store.AppendAsync(1, Recs(1, batch * 1000, 1000));

        var reopened = new JobLogStore(_dir);
        Assert.Equal(100_000, await reopened.CountAsync(1));
        Assert.Equal(Lines(1, 54_321, 3), await reopened.ReadAsync(1, 54_321, 54_324));
        Assert.Equal(Lines(1, 99_999, 1), await reopened.ReadAsync(1, 99_999, null));
        Assert.Equal(Lines(1, 0, 2), await reopened.ReadAsync(1, 0, 2));
    }

    [Fact]
    public async Task A_crash_between_the_lines_and_the_index_is_repaired_on_open()
    {
        await new JobLogStore(_dir).AppendAsync(5, Recs(5, 0, 5));
        var complete = new FileInfo(Yaml(5)).Length;
        using (var idx = File.OpenWrite(Idx(5))) idx.SetLength(2 * 8 + 3); // two entries and a torn third
        await File.AppendAllTextAsync(Yaml(5), Lines(5, 5, 1)[0][..20]);  // a torn sixth line

        var store = new JobLogStore(_dir);
        Assert.Equal(5, await store.CountAsync(5));
        Assert.Equal(Lines(5, 0, 5), await store.ReadAsync(5, 0, null));
        Assert.Equal(complete, new FileInfo(Yaml(5)).Length);
        Assert.Equal(5 * 8, new FileInfo(Idx(5)).Length);

        Assert.Equal(6, await store.AppendAsync(5, Recs(5, 5, 1)));
        Assert.Equal(Lines(5, 0, 6), await new JobLogStore(_dir).ReadAsync(5, 0, null));
    }

    [Fact]
    public async Task Index_entries_past_a_shortened_log_are_dropped_on_open()
    {
        await new JobLogStore(_dir).AppendAsync(6, Recs(6, 0, 5));
        var keep = Lines(6, 0, 3).Sum(l => Encoding.UTF8.GetByteCount(l) + 1) + 10; // three lines and part of a fourth
        using (var yaml = File.OpenWrite(Yaml(6))) yaml.SetLength(keep);

        var store = new JobLogStore(_dir);
        Assert.Equal(3, await store.CountAsync(6));
        Assert.Equal(Lines(6, 0, 3), await store.ReadAsync(6, 0, null));
        Assert.Equal(3 * 8, new FileInfo(Idx(6)).Length);
    }

    [Fact]
    public async Task Concurrent_appends_to_two_jobs_keep_every_batch_whole_and_readers_see_complete_lines()
    {
        var store = new JobLogStore(_dir);
        var writers = new[] { 10L, 11L }
            .SelectMany(job => Enumerable.Range(0, 2).Select(producer => Task.Run(async () =>
            {
                for (var b = 0; b < 25; b++)
                    await store.AppendAsync(job, Recs(job, (producer * 25 + b) * 20, 20));
            })))
            .ToArray();
        var allWritten = Task.WhenAll(writers);
        var reads = 0;
        while (!allWritten.IsCompleted || reads == 0)
        {
            foreach (var line in await store.ReadAsync(10, 0, null))
                Assert.StartsWith("job 10 line ", ((LogText)LogLine.Parse(line).Msg).Value, StringComparison.Ordinal);
            reads++;
        }
        await allWritten;

        foreach (var job in new[] { 10L, 11L })
        {
            var lines = await store.ReadAsync(job, 0, null);
            Assert.Equal(1000, lines.Count);
            var numbers = lines.Select(l => int.Parse(((LogText)LogLine.Parse(l).Msg).Value.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 1000), numbers.Order());
            for (var i = 0; i < numbers.Count; i += 20) // each batch of 20 stays contiguous
                Assert.Equal(Enumerable.Range(numbers[i], 20), numbers.Skip(i).Take(20));
        }
    }
}
