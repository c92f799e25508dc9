using System.Text.RegularExpressions;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>
/// LAVA's <c>auto-login-action</c>: after a boot, waits for the kernel start message (the bootloader's error messages
/// watched too: one seen is an infrastructure error), then, with <c>auto_login</c>, waits for the login prompt and
/// types the user name (and the password at its prompt), then waits for one of the boot's <c>prompts</c> and types
/// the <c>login_commands</c>. "Login incorrect" after the credentials is a job error. A timeout while the device
/// boots (before its kernel start message, and with <c>auto_login</c> before its login prompt) is an infrastructure
/// error, where LAVA says job error: a board that hangs in its boot is the lab's problem, and an infrastructure error
/// makes the device run a health check before its next job. A timeout at the job's own prompts is a job error.
/// </summary>
public sealed class AutoLoginAction(string? bootloaderMethod, bool booting = true) : PipelineAction("auto-login-action")
{
    private static readonly string[] LoginFailures = ["Login incorrect", "Login timed out"];
    private volatile bool _waitingForBoot;

    public override TimeoutErrorKind TimeoutError => _waitingForBoot ? TimeoutErrorKind.Infrastructure : TimeoutErrorKind.Job;

    /// <summary>The block's <c>prompts</c> (a string or a list).</summary>
    public static IReadOnlyList<string> Prompts(OrderedDictionary<object, object?> block) =>
        DeviceConfiguration.Strings(block.GetValueOrDefault("prompts"));

    /// <summary>What is wrong with the block's <c>prompts</c> and <c>auto_login</c>, in LAVA's words.</summary>
    public static IEnumerable<string> ValidateBlock(OrderedDictionary<object, object?> block)
    {
        if (Prompts(block).Count == 0)
        {
            yield return "'prompts' is mandatory for AutoLoginAction";
        }
        if (block.GetValueOrDefault("auto_login") is { } login)
        {
            if (login is not OrderedDictionary<object, object?> map)
            {
                yield return "'auto_login' should be a dictionary";
                yield break;
            }
            if (map.GetValueOrDefault("login_prompt") is not string { Length: > 0 })
            {
                yield return "'login_prompt' is mandatory for auto_login";
            }
            if (!map.ContainsKey("username"))
            {
                yield return "'username' is mandatory for auto_login";
            }
            if (map.ContainsKey("password_prompt") && !map.ContainsKey("password"))
            {
                yield return "'password' is mandatory if 'password_prompt' is used in auto_login";
            }
        }
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var context = scope.Context;
        var prompts = Prompts(scope.Block);
        var login = scope.Block.GetValueOrDefault("auto_login") as OrderedDictionary<object, object?>;
        _waitingForBoot = booting;
        if (booting)
        {
            await WaitForKernelAsync(scope, deadline).ConfigureAwait(false);
        }
        if (login is not null)
        {
            var loginPrompt = Text(login["login_prompt"]);
            context.Debug($"Waiting for the login prompt: '{loginPrompt}'");
            await scope.ExpectAsync([loginPrompt], deadline).ConfigureAwait(false);
            _waitingForBoot = false;
            await scope.SendLineAsync(Text(login.GetValueOrDefault("username")), deadline).ConfigureAwait(false);
            if (login.GetValueOrDefault("password_prompt") is { } passwordPrompt)
            {
                await scope.ExpectAsync([Text(passwordPrompt)], deadline).ConfigureAwait(false);
                await scope.SendLineAsync(Text(login.GetValueOrDefault("password")), deadline).ConfigureAwait(false);
            }
            await WaitForPromptAsync(scope, prompts, deadline).ConfigureAwait(false);
            foreach (var command in DeviceConfiguration.Strings(login.GetValueOrDefault("login_commands")))
            {
                await scope.SendLineAsync(command, deadline).ConfigureAwait(false);
                await WaitForPromptAsync(scope, prompts, deadline).ConfigureAwait(false);
            }
        }
        else
        {
            _waitingForBoot = false;
            await WaitForPromptAsync(scope, prompts, deadline).ConfigureAwait(false);
        }
        context.Prompts = prompts;
        context.Info("Logged in: shell prompt found");
    }

    private async Task WaitForKernelAsync(ActionScope scope, CancellationToken deadline)
    {
        var device = scope.Context.Device;
        var parameters = scope.Block.GetValueOrDefault("parameters") as OrderedDictionary<object, object?>;
        var kernelStart = parameters?.GetValueOrDefault("kernel-start-message") as string
            ?? DeviceConfiguration.Text(device.Constant("kernel-start-message"));
        if (string.IsNullOrEmpty(kernelStart))
        {
            return;
        }
        var errors = bootloaderMethod is null ? [] : DeviceConfiguration.Strings(device.Constant("error-messages", bootloaderMethod));
        List<string> patterns = [kernelStart, .. errors];
        var match = await scope.ExpectAsync(patterns, deadline).ConfigureAwait(false);
        if (match.Index != 0)
        {
            throw new InfrastructureError($"matched a bootloader error message: '{patterns[match.Index]}' ({match.Index})");
        }
    }

    private static async Task WaitForPromptAsync(ActionScope scope, IReadOnlyList<string> prompts, CancellationToken deadline)
    {
        List<string> patterns = [.. prompts, .. LoginFailures.Select(Regex.Escape)];
        var match = await scope.ExpectAsync(patterns, deadline).ConfigureAwait(false);
        if (match.Index >= prompts.Count)
        {
            throw new JobError(LoginFailures[match.Index - prompts.Count]);
        }
    }

    private static string Text(object? value) => DeviceConfiguration.Text(value) ?? "";
}
