using System.Net;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>Signing in, visibility on the pages as on the API, and antiforgery on forms, in a real browser.</summary>
[Collection(UiCollection.Name)]
public sealed class UiSessionSpec(UiLab lab)
{
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = (float)LavaProcesses.Dilated(TimeSpan.FromSeconds(60)).TotalMilliseconds };

    [Fact]
    public async Task A_user_must_sign_in_with_their_password_and_see_the_lab()
    {
        var page = await lab.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=username]", UiLab.UserName);
        await page.FillAsync("input[name=password]", "wrong password");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator(".error")).ToHaveTextAsync("Unknown user or wrong password.");

        await UiLab.SignInAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Lab");
        await Expect(page.Locator("tr[data-device=qemu01] [data-field=health]")).ToHaveTextAsync("Good");
        await UiLab.ScreenshotAsync(page, "lab");

        var phone = await lab.NewPageAsync(phone: true);
        await UiLab.SignInAsync(phone);
        await UiLab.ScreenshotAsync(phone, "lab-phone");
    }

    [Fact]
    public async Task An_anonymous_visitor_must_see_a_public_job_but_not_a_private_one()
    {
        var open = await lab.SubmitAsync(UiLab.Job("public for all", deviceType: UiLab.IdleDeviceType));
        var secret = await lab.SubmitAsync(UiLab.Job("private to admin", visibility: "personal", deviceType: UiLab.IdleDeviceType));
        var page = await lab.NewPageAsync();

        await page.GotoAsync("/jobs");
        await Expect(page.Locator($"tr[data-job='{open}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-job='{secret}']")).ToHaveCountAsync(0);
        var shown = await page.GotoAsync($"/jobs/{open}");
        Assert.Equal((int)HttpStatusCode.OK, shown!.Status);
        var hidden = await page.GotoAsync($"/jobs/{secret}");
        Assert.Equal((int)HttpStatusCode.NotFound, hidden!.Status);
        var log = await page.APIRequest.GetAsync($"/ui/jobs/{secret}/log?tail=10");
        Assert.Equal((int)HttpStatusCode.NotFound, log.Status);
        await page.GotoAsync("/jobs");
        await UiLab.ScreenshotAsync(page, "jobs-anonymous");

        var admin = await lab.NewPageAsync();
        await UiLab.SignInAsync(admin, "admin", UiLab.AdminPassword);
        await admin.GotoAsync($"/jobs/{secret}");
        await Expect(admin.Locator("h1")).ToContainTextAsync("private to admin");
    }

    [Fact]
    public async Task The_admin_must_add_a_user_who_then_signs_in_and_others_must_be_kept_out_of_user_admin()
    {
        var admin = await lab.NewPageAsync();
        await UiLab.SignInAsync(admin, "admin", UiLab.AdminPassword);
        await admin.ClickAsync("header nav >> text=Users");
        await admin.FillAsync("form[action*=Add] input[name=username]", "carol");
        await admin.ClickAsync("form[action*=Add] button");
        await Expect(admin.Locator("#issued-token")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^.{20,}$"));
        await admin.FillAsync("form[action*=Password] input[name=username]", "carol");
        await admin.FillAsync("form[action*=Password] input[name=password]", "carols password");
        await admin.ClickAsync("form[action*=Password] button");
        await Expect(admin.Locator(".flash")).ToHaveTextAsync("Password of carol set.");
        await admin.FillAsync("form[action*=Member] input[name=username]", "carol");
        await admin.FillAsync("form[action*=Member] input[name=group]", "kernel");
        await admin.ClickAsync("form[action*=Member] button");
        await Expect(admin.Locator("tr", new() { HasText = "carol" })).ToContainTextAsync("kernel");
        await UiLab.ScreenshotAsync(admin, "admin-users");

        var carol = await lab.NewPageAsync();
        await UiLab.SignInAsync(carol, "carol", "carols password");
        await Expect(carol.Locator("header nav")).Not.ToContainTextAsync("Users");
        var refused = await carol.GotoAsync("/admin/users");
        Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_must_be_refused()
    {
        var page = await lab.NewPageAsync();
        await UiLab.SignInAsync(page);
        var before = await page.APIRequest.GetAsync("/jobs?limit=1");
        Assert.Equal((int)HttpStatusCode.OK, before.Status);

        // The browser's own cookies (session and antiforgery cookie) but no token in the form: a forged cross-site post.
        var forged = await page.APIRequest.PostAsync("/jobs", new APIRequestContextOptions
        {
            Form = page.APIRequest.CreateFormData().Append("definition", UiLab.Job("forged")),
        });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        var signOut = await page.APIRequest.PostAsync("/logout");
        Assert.Equal((int)HttpStatusCode.BadRequest, signOut.Status);
        await page.GotoAsync("/jobs");
        await Expect(page.Locator("header .who")).ToContainTextAsync($"Signed in as {UiLab.UserName}", new() { Timeout = Live.Timeout });
        await UiLab.ScreenshotAsync(page, "jobs-signed-in");
    }
}
