using System.Diagnostics;
using Lava.Actors.Jobs.Logs;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>The log viewer on a 50 MB log: it opens at the tail, and a line link opens at that line, without reading the whole file.</summary>
[Collection(UiCollection.Name)]
public sealed class UiLogSpec(UiLab lab)
{
    private const long Lines = 400_000;

    [Fact]
    public async Task A_50_MB_log_must_open_at_its_last_line_and_jump_to_line_1()
    {
        // A job that never runs (its type has no device), whose log the master has not opened: written into its store.
        var id = await lab.SubmitAsync(UiLab.Job("big log", deviceType: UiLab.IdleDeviceType));
        var store = new JobLogStore(Path.Combine(lab.Master.DataDir, "jobs"));
        var padding = new string('x', 100);
        var at = DateTimeOffset.UtcNow;
        for (long start = 0; start < Lines; start += 10_000)
        {
            var batch = new List<LogRecord>(10_000);
            for (var n = start; n < start + 10_000; n++)
            {
                batch.Add(LogRecord.Text(at, n % 7 == 0 ? "target" : "info", $"line {n} {padding}"));
            }
            await store.AppendAsync(id, batch);
        }
        Assert.True(new FileInfo(Path.Combine(store.Directory, id.ToString(System.Globalization.CultureInfo.InvariantCulture), "output.yaml")).Length > 50_000_000);

        var page = await lab.NewPageAsync();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator($"#L{Lines - 1}")).ToContainTextAsync($"line {Lines - 1} ");
        var tail = clock.Elapsed;
        Assert.True(await page.Locator("#log-lines .l").CountAsync() <= 1000, "the viewer loaded more than the tail");
        await UiLab.ScreenshotAsync(page, "log-50mb-tail");

        page = await lab.NewPageAsync();
        await page.GotoAsync($"/jobs/{id}#L1");
        await Expect(page.Locator("#L1")).ToContainTextAsync("line 1 ");
        await Expect(page.Locator("#L1")).ToBeInViewportAsync();
        Assert.True(await page.Locator("#log-lines .l").CountAsync() <= 1000, "the viewer loaded more than the lines around #L1");
        await UiLab.ScreenshotAsync(page, "log-50mb-line-1");
        Assert.True(tail < TimeSpan.FromMinutes(1), $"the tail took {tail}");
    }
}
