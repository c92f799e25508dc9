using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>A device set to Unknown from its page gets a health check, whose result the page shows.</summary>
[Collection(UiCollection.Name)]
public sealed class UiDeviceSpec(UiLab lab)
{
    private static readonly float Deadline = (float)LavaProcesses.Dilated(TimeSpan.FromSeconds(120)).TotalMilliseconds;

    [Fact]
    public async Task The_device_page_must_show_a_health_check_result_after_the_device_is_set_to_Unknown()
    {
        var page = await lab.NewPageAsync();
        await UiLab.SignInAsync(page, "admin", UiLab.AdminPassword);
        await page.GotoAsync("/devices/hc01");
        // The device's first health check (it was added with health Unknown) may still be running.
        await Expect(page.Locator("#device-health")).ToHaveTextAsync("Good", new() { Timeout = Deadline });
        await page.ReloadAsync();
        var checksBefore = await page.Locator("table.jobs").First.Locator("tbody tr").CountAsync();

        await page.SelectOptionAsync("select[name=health]", "Unknown");
        await page.ClickAsync("#set-health");
        await Expect(page.Locator(".flash")).ToContainTextAsync("hc01 is now Unknown");
        await page.EvaluateAsync("window.lavaNoReload = true");
        await Expect(page.Locator("#device-health")).ToHaveTextAsync("Good", new() { Timeout = Deadline });
        Assert.True(await page.EvaluateAsync<bool>("window.lavaNoReload === true"), "the device page was reloaded");

        await page.ReloadAsync();
        var checks = page.Locator("table.jobs").First.Locator("tbody tr");
        await Expect(checks).ToHaveCountAsync(checksBefore + 1);
        await Expect(checks.First.Locator("[data-field=health]")).ToHaveTextAsync("Complete");
        await UiLab.ScreenshotAsync(page, "device-health-check");
    }
}
