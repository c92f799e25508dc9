using Lava.Devices.BoardSimulator;
using Lava.Integration.Tests.Devices;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>
/// A lab for the browser specs whose jobs run through the real pipeline: a master, a worker with job runners, and one
/// simulated board (<see cref="Board"/>) on a simulated PDU; the admin has a web UI password.
/// </summary>
public sealed class UiBoardLab : IAsyncLifetime
{
    public const string Board = "ui-board";

    private IPlaywright? _playwright;

    internal BoardLab Lab { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Lab = await BoardLab.StartAsync([new SimulatedBoardOptions { Name = Board, AutobootSeconds = 1, BaudRate = 0 }]);
        await Lab.AddDeviceAsync(Board);
        await Lab.PostAsync("users/admin/password/", new { password = UiLab.AdminPassword });
        _playwright = await Playwright.CreateAsync();
        Browser = await UiLab.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Lab is not null) await Lab.DisposeAsync();
    }
}

/// <summary>Canceling from the browser a job that runs on a board: the worker's pipeline stops and the PDU powers the board off.</summary>
public sealed class UiBoardSpec(UiBoardLab fixture) : IClassFixture<UiBoardLab>
{
    private static readonly float Deadline = (float)BoardLab.JobDeadline.TotalMilliseconds;

    private BoardLab Lab => fixture.Lab;

    [Fact]
    public async Task Cancel_from_the_job_page_must_power_the_board_off_through_its_PDU()
    {
        var page = await UiLab.NewPageAsync(fixture.Browser, Lab.Master.Api);
        await UiLab.SignInAsync(page, "admin", UiLab.AdminPassword);
        await UiLab.RunAsync(page, "job-canceled-board", Lab.Master, async () =>
        {
            await page.GotoAsync("/jobs");
            await page.FillAsync("textarea[name=definition]", BoardJobs.Smoke(UiBoardLab.Board, BoardJobs.Lines(600, 0.2)));
            await page.ClickAsync("#submit-job button[type=submit]");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9]+$"));
            // The test shell prints these lines once the board booted: the run is on the powered board.
            await Expect(page.Locator("#log-lines")).ToContainTextAsync("line 3 of 600", new() { Timeout = Deadline });
            Assert.Equal("ok on", await Lab.PduStatusAsync(UiBoardLab.Board));

            await page.ClickAsync("#cancel");
            await Expect(page.Locator(".flash")).ToContainTextAsync("being canceled");
            await Expect(page.Locator("#job-state")).ToHaveTextAsync("Finished", new() { Timeout = Deadline });
            await Expect(page.Locator("#job-health")).ToHaveTextAsync("Canceled", new() { Timeout = Deadline });

            Assert.Equal("ok off", await Lab.PduStatusAsync(UiBoardLab.Board));
            Assert.False(Lab.Board(UiBoardLab.Board).IsPoweredOn, "cancel must power the board off");
            // The power-off is the job's own command to the board's outlet (1), shown in its log.
            await Expect(page.Locator("#log-lines")).ToContainTextAsync("sim-pdu.sh off 1", new() { Timeout = Deadline });
            Assert.DoesNotContain("line 600 of 600", await page.Locator("#log-lines").TextContentAsync() ?? "", StringComparison.Ordinal);
            await UiLab.ScreenshotAsync(page, "job-canceled-board");
        });
    }
}
