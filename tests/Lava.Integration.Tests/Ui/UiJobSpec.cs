using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>Submitting, following and canceling a job in a real browser, against a worker with simulated boards.</summary>
[Collection(UiCollection.Name)]
public sealed class UiJobSpec(UiLab lab)
{
    private static readonly float Deadline = (float)LavaProcesses.Dilated(TimeSpan.FromSeconds(90)).TotalMilliseconds;

    [Fact]
    public async Task A_job_submitted_from_the_jobs_page_must_go_from_Submitted_to_Finished_on_its_page_without_a_reload()
    {
        var page = await lab.NewPageAsync();
        await UiLab.SignInAsync(page);
        await lab.RunAsync(page, "job-finished", async () =>
        {
            await page.GotoAsync("/jobs");
            await page.FillAsync("textarea[name=definition]", UiLab.Job("submitted from the browser"));
            await page.ClickAsync("#submit-job button[type=submit]");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9]+$"));
            await Expect(page.Locator("h1")).ToContainTextAsync("submitted from the browser");
            var firstState = await page.Locator("#job-state").TextContentAsync();
            Assert.Contains(firstState, new[] { "Submitted", "Scheduling", "Scheduled", "Running" });

            // A marker that a reload would wipe: the page must stay the same document while the state changes.
            await page.EvaluateAsync("window.lavaNoReload = true");
            await Expect(page.Locator("#job-state")).ToHaveTextAsync("Running", new() { Timeout = Deadline });
            await Expect(page.Locator("#job-state")).ToHaveTextAsync("Finished", new() { Timeout = Deadline });
            await Expect(page.Locator("#job-health")).ToHaveTextAsync("Complete", new() { Timeout = Deadline });
            Assert.True(await page.EvaluateAsync<bool>("window.lavaNoReload === true"), "the job page was reloaded");
            // Timing per action, filled in as the actions ended: the simulated pipeline's three, each with its duration.
            var actions = page.Locator("#timings table.timings tbody tr");
            await Expect(actions.Locator("td.action")).ToHaveTextAsync(["deploy-simulated", "boot-simulated", "test-simulated"], new() { Timeout = Deadline });
            await Expect(actions.Locator("td.duration")).ToHaveTextAsync(Enumerable.Repeat(new System.Text.RegularExpressions.Regex(@"^[0-9]+\.[0-9]{2} s$"), 3));
            await Expect(actions.Locator("td:nth-child(5)")).ToHaveTextAsync(["pass", "pass", "pass"]);
            await UiLab.ScreenshotAsync(page, "job-finished");

            await page.ClickAsync("text=Results");
            await Expect(page.Locator("h1")).ToContainTextAsync("Results of job");
            await Expect(page.Locator("td.r-Pass").First).ToHaveTextAsync("pass");
            await UiLab.ScreenshotAsync(page, "job-results");
            await page.Locator("table a[href^='/results/case']").First.ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("across jobs");
            await Expect(page.Locator("tbody tr").First).ToContainTextAsync("pass");
        });
    }

    [Fact]
    public async Task The_log_of_a_running_job_must_show_new_lines_as_they_arrive()
    {
        var list = await lab.NewPageAsync();
        await list.GotoAsync("/jobs");
        await list.EvaluateAsync("window.lavaNoReload = true");
        var id = await lab.SubmitAsync(UiLab.Job("followed live", tests: 10));
        // The job list shows the new job at its top as it comes, without a reload.
        await Expect(list.Locator("table.jobs tbody tr").First).ToHaveAttributeAsync("data-job", id.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Deadline });
        Assert.True(await list.EvaluateAsync<bool>("window.lavaNoReload === true"), "the job list was reloaded");
        var page = await lab.NewPageAsync();
        await page.GotoAsync($"/jobs/{id}");
        await page.EvaluateAsync("window.lavaNoReload = true");
        var lines = page.Locator("#log-lines .l");
        await Expect(lines.First).ToBeVisibleAsync(new() { Timeout = Deadline });
        var seen = await lines.CountAsync();
        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Finished", new() { Timeout = Deadline });
        // The end of the simulated run is its last line; it arrives after the page opened.
        await Expect(lines.Last).ToContainTextAsync("Job finished", new() { Timeout = Deadline });
        Assert.True(await lines.CountAsync() > seen, $"the log stayed at {seen} lines");
        Assert.True(await page.EvaluateAsync<bool>("window.lavaNoReload === true"), "the job page was reloaded");
        await UiLab.ScreenshotAsync(page, "job-log-live");
    }

    [Fact]
    public async Task Cancel_from_the_job_page_must_stop_the_run_on_its_board()
    {
        var page = await lab.NewPageAsync();
        await UiLab.SignInAsync(page);
        await lab.RunAsync(page, "job-canceled", async () =>
        {
            await page.GotoAsync("/jobs");
            await page.FillAsync("textarea[name=definition]", UiLab.Job("canceled from the browser", tests: 20));
            await page.ClickAsync("#submit-job button[type=submit]");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9]+$"));
            // Log lines come only from a run on the board.
            await Expect(page.Locator("#log-lines .l").First).ToBeVisibleAsync(new() { Timeout = Deadline });
            await page.ClickAsync("#cancel");
            await Expect(page.Locator(".flash")).ToContainTextAsync("being canceled");
            await Expect(page.Locator("#job-state")).ToHaveTextAsync("Finished", new() { Timeout = Deadline });
            await Expect(page.Locator("#job-health")).ToHaveTextAsync("Canceled", new() { Timeout = Deadline });
            // The simulated board's run was stopped by the worker, not left to finish.
            await Expect(page.Locator("#log-lines")).ToContainTextAsync("Stopped", new() { Timeout = Deadline });
            await UiLab.ScreenshotAsync(page, "job-canceled");
        });
    }
}
