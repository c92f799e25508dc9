using System.Globalization;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>The lab page's counts follow the live feed: jobs queued and devices by health change without a reload.</summary>
[Collection(UiCollection.Name)]
public sealed class UiLabPageSpec(UiLab lab)
{
    private static readonly float Deadline = (float)LavaProcesses.Dilated(TimeSpan.FromSeconds(30)).TotalMilliseconds;

    [Fact]
    public async Task The_lab_pages_counts_must_follow_jobs_and_devices_without_a_reload()
    {
        var page = await lab.NewPageAsync();
        await lab.RunAsync(page, "lab-live", async () =>
        {
            await page.GotoAsync("/");
            await page.EvaluateAsync("window.lavaNoReload = true");
            var queued = page.Locator("[data-count=queued]");
            var maintenance = page.Locator("[data-count=health-Maintenance]");
            var (queuedBefore, maintenanceBefore) = (await NumberAsync(queued), await NumberAsync(maintenance));

            // A job for the type whose only device is in Maintenance stays queued until it is canceled.
            var id = await lab.SubmitAsync(UiLab.Job("queued on the lab page", deviceType: UiLab.IdleDeviceType));
            await Expect(queued).ToHaveTextAsync(Text(queuedBefore + 1), new() { Timeout = Deadline });
            using (var client = lab.Master.Client())
            {
                await UiLab.PostAsync(client, "api/v0.2/devices/qemu02/set_health/", new { health = "Maintenance" });
                await Expect(maintenance).ToHaveTextAsync(Text(maintenanceBefore + 1), new() { Timeout = Deadline });
                await UiLab.ScreenshotAsync(page, "lab-live");

                await UiLab.PostAsync(client, $"api/v0.2/jobs/{id}/cancel/", new { });
                await UiLab.PostAsync(client, "api/v0.2/devices/qemu02/set_health/", new { health = "Good" });
            }
            await Expect(queued).ToHaveTextAsync(Text(queuedBefore), new() { Timeout = Deadline });
            await Expect(maintenance).ToHaveTextAsync(Text(maintenanceBefore), new() { Timeout = Deadline });
            Assert.True(await page.EvaluateAsync<bool>("window.lavaNoReload === true"), "the lab page was reloaded");
        });
    }

    private static async Task<int> NumberAsync(Microsoft.Playwright.ILocator count) => int.Parse(await count.TextContentAsync() ?? "", CultureInfo.InvariantCulture);

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
