using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lava.Actors.Jobs.Logs;
using Lava.Bench.Cluster;
using Microsoft.Playwright;

namespace Lava.Bench;

/// <summary>
/// The web UI of a real master on the embedded SQLite store holding <see cref="Jobs"/> finished jobs (journaled, then
/// projected by the master as after any restart): the server time of the job list's first page (measured by the
/// client on loopback, the page's HTML complete), the first paint of a 50 MB log's tail in Debian's chromium (from
/// navigation to the last line shown), and the master's CPU with <see cref="SseClients"/> open live connections on
/// the idle lab.
/// </summary>
internal sealed class UiBench : IBenchSuite
{
    private const string Bench = "ui";
    private const long Jobs = 100_000;
    private const int PageSamples = 50;
    private const int PaintSamples = 3;
    private const int SseClients = 1_000;
    private const long LogLines = 400_000;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan SseSettle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SseWindow = TimeSpan.FromSeconds(20);

    public string Name => Bench;

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("lava-bench-ui-");
        try
        {
            var masterDll = ClusterBench.BuiltDll("Lava.Host.Master");
            var http = $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}";
            var dataDir = Path.Combine(dir.FullName, "master");
            string[] masterArgs = ["--http", http, "--cluster", $"127.0.0.1:{ClusterBench.FreeLoopbackPort()}", "--data-dir", dataDir];
            var site = new Uri($"http://{http}/");

            // The first start makes the database; the jobs' histories go into the stopped master's journal.
            await using (var first = NodeProcess.Start("master", masterDll, masterArgs))
            {
                await first.WaitForLineAsync(StartDeadline, "serving HTTP on");
                first.Terminate();
                await first.WaitForExitAsync(StartDeadline);
            }
            var jobs = await MasterBench.WriteHistoriesAsync(dataDir, Jobs, cancellationToken);

            await using var master = NodeProcess.Start("master", masterDll, masterArgs);
            await master.WaitForLineAsync(StartDeadline, "serving HTTP on");
            using (var api = MasterBench.Client(new Uri(site, "api/v0.2/"), dataDir))
            {
                await MasterBench.WaitForJobsAsync(api, jobs, cancellationToken);
            }
            using var client = new HttpClient { BaseAddress = site, Timeout = TimeSpan.FromSeconds(60) };

            yield return new Figure(Bench, "jobs_page_ms_p50", await JobsPageAsync(client, cancellationToken), "ms");

            var paint = await LogTailPaintAsync(site, dataDir, jobs, cancellationToken);
            if (paint is { } ms) yield return new Figure(Bench, "log_tail_first_paint_ms", ms, "ms");

            yield return new Figure(Bench, "sse_clients_1000_master_cpu_cores", await SseCpuAsync(site, master, cancellationToken), "cores");
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A process killed a moment ago may still hold a file; the directory is temporary anyway.
            }
        }
    }

    /// <summary>The median time of GET /jobs (the first page, as an anonymous visitor sees it) to its last byte.</summary>
    private static async Task<double> JobsPageAsync(HttpClient client, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i < PageSamples + 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync("jobs", ct);
            var html = await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(ct);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!html.Contains("/jobs/", StringComparison.Ordinal)) throw new InvalidOperationException("the job list shows no job");
            if (i >= 5) times.Add(elapsed); // the first requests compile the page
        }
        await Console.Error.WriteLineAsync($"ui: GET /jobs with {Jobs} jobs, ms: {string.Join(", ", times.Order().Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}");
        return Samples.Median(times);
    }

    /// <summary>
    /// A 50 MB log written into the store of a finished job, then opened <see cref="PaintSamples"/> times in a fresh
    /// page: the median time from navigation to its last line shown. Null (with the reason on stderr) without chromium.
    /// </summary>
    private static async Task<double?> LogTailPaintAsync(Uri site, string dataDir, long jobId, CancellationToken ct)
    {
        var chromium = new[] { "/usr/bin/chromium" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "chromium")))
            .FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            await Console.Error.WriteLineAsync("ui: log_tail_first_paint_ms not measured: chromium is not installed");
            return null;
        }

        var store = new JobLogStore(Path.Combine(dataDir, "jobs"));
        var padding = new string('x', 100);
        var at = DateTimeOffset.UtcNow;
        for (long start = 0; start < LogLines; start += 10_000)
        {
            var batch = new List<LogRecord>(10_000);
            for (var n = start; n < start + 10_000; n++) batch.Add(LogRecord.Text(at, n % 7 == 0 ? "target" : "info", $"line {n} {padding}"));
            await store.AppendAsync(jobId, batch, ct);
        }
        var bytes = new FileInfo(Path.Combine(store.Directory, jobId.ToString(CultureInfo.InvariantCulture), "output.yaml")).Length;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
        var times = new List<double>();
        for (var i = 0; i < PaintSamples + 1; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.ToString() });
            var page = await context.NewPageAsync();
            var started = Stopwatch.GetTimestamp();
            await page.GotoAsync($"/jobs/{jobId}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator($"#L{LogLines - 1}").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i > 0) times.Add(elapsed); // the first opening compiles the page and the log endpoint
        }
        await Console.Error.WriteLineAsync($"ui: {bytes / 1e6:F1} MB log, navigation to its last line shown, ms: {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}");
        return Samples.Median(times);
    }

    /// <summary>
    /// <see cref="SseClients"/> anonymous connections to the live job feed, each read as events come; after
    /// <see cref="SseSettle"/>, the master's CPU over <see cref="SseWindow"/> in cores.
    /// </summary>
    private static async Task<double> SseCpuAsync(Uri site, NodeProcess master, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = SseClients + 10, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = site, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The same window without connections first: what the idle master costs anyway.
        var idleCpu = master.CpuSeconds();
        var idleStarted = Stopwatch.GetTimestamp();
        await Task.Delay(SseWindow, ct);
        var idleCores = (master.CpuSeconds() - idleCpu) / Stopwatch.GetElapsedTime(idleStarted).TotalSeconds;
        var opened = 0;
        var readers = Enumerable.Range(0, SseClients).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "ui/live/jobs");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref opened);
            await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
            var buffer = new byte[4096];
            try
            {
                while (await stream.ReadAsync(buffer, stop.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
                // The measurement is over.
            }
        }).ToList();

        var deadline = Stopwatch.GetTimestamp() + (long)(StartDeadline.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref opened) < SseClients)
        {
            var failed = readers.FirstOrDefault(r => r.IsFaulted);
            if (failed is not null) await failed;
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"only {opened} of {SseClients} live connections opened");
            await Task.Delay(50, ct);
        }
        await Task.Delay(SseSettle, ct);
        var cpu = master.CpuSeconds();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(SseWindow, ct);
        var cores = (master.CpuSeconds() - cpu) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        await Console.Error.WriteLineAsync($"ui: {SseClients} live connections open for {SseWindow.TotalSeconds:F0} s: master {cores:F3} cores ({idleCores:F3} without them), RSS {master.ResidentMegabytes():F0} MiB");
        return cores;
    }
}
