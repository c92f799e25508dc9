using System.Diagnostics;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Lava.Integration.Tests.Ui;

/// <summary>The admin's command line sets a web UI password that then signs the user in, in the browser.</summary>
[Collection(UiCollection.Name)]
public sealed class UiCliSpec(UiLab lab)
{
    private static readonly TimeSpan CliDeadline = LavaProcesses.Dilated(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_password_set_by_lava_users_password_must_sign_the_user_in_to_the_web_UI()
    {
        const string user = "dave", password = "typed at the prompt";
        using (var client = lab.Master.Client())
        {
            await UiLab.PostAsync(client, "api/v0.2/users/", new { username = user, is_superuser = false });
        }

        // As README says: the password comes on standard input.
        var cli = await LavaProcesses.FindBuiltAsync("Lava.Cli", "lava-cli.dll");
        var start = LavaProcesses.StartInfo(LavaProcesses.Dotnet(), [cli, "users", "password", user, "--url", lab.BaseUrl.ToString(), "--token", lab.Master.AdminToken]);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        using (var deadline = new CancellationTokenSource(CliDeadline))
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        Assert.True(process.ExitCode == 0, $"lava-cli users password exited {process.ExitCode}: {await output}{await error}");
        Assert.Contains($"Password of {user} set.", await output, StringComparison.Ordinal);

        var page = await lab.NewPageAsync();
        await lab.RunAsync(page, "cli-password", async () =>
        {
            // Any other password is refused: the user had none before.
            await page.GotoAsync("/login");
            await page.FillAsync("input[name=username]", user);
            await page.FillAsync("input[name=password]", "typed at the");
            await page.ClickAsync("button[type=submit]");
            await Expect(page.Locator("p.error")).ToBeVisibleAsync();

            await UiLab.SignInAsync(page, user, password);
        });
    }
}
