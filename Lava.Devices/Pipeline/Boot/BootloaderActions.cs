using System.Text.RegularExpressions;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>
/// The bootloader's parameters a boot method reads from the device (<c>actions.boot.methods.METHOD.parameters</c>)
/// and the constants (<c>constants.METHOD</c>): prompts, interrupt, final and error messages.
/// </summary>
public sealed record BootloaderParameters(
    string Method,
    string BootloaderPrompt,
    string InterruptPrompt,
    string InterruptCharacter,
    bool InterruptNewline,
    bool NeedsInterrupt,
    string? FinalMessage,
    IReadOnlyList<string> ErrorMessages)
{
    /// <summary>Reads them for <paramref name="method"/> (<c>u-boot</c>); LAVA's defaults where the device is silent.</summary>
    public static BootloaderParameters For(DeviceConfiguration device, string method)
    {
        var parameters = device.BootMethod(method)?.GetValueOrDefault("parameters") as OrderedDictionary<string, object?> ?? [];
        string? Param(string key) => DeviceConfiguration.Text(parameters.GetValueOrDefault(key));
        string? Constant(string key) => DeviceConfiguration.Text(device.Constant(key, method));
        var interruptChar = Param("interrupt_char") is { Length: > 0 } c ? c : Constant("interrupt-character") ?? " ";
        return new BootloaderParameters(
            method,
            Param("bootloader_prompt") ?? "=>",
            Param("interrupt_prompt") ?? Constant("interrupt-prompt") ?? "Hit any key to stop autoboot",
            interruptChar,
            device.Constant("interrupt-newline", method) is not false,
            parameters.GetValueOrDefault("needs_interrupt") is not false,
            Constant("final-message"),
            DeviceConfiguration.Strings(device.Constant("error-messages", method)));
    }
}

/// <summary>
/// LAVA's <c>bootloader-interrupt</c>: waits for the autoboot prompt, types the interrupt character, waits for the
/// bootloader prompt. An infrastructure error when the bootloader does not show up in time.
/// </summary>
public sealed class BootloaderInterruptAction(string method) : PipelineAction("bootloader-interrupt")
{
    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var bootloader = BootloaderParameters.For(scope.Context.Device, method);
        if (!bootloader.NeedsInterrupt)
        {
            return;
        }
        await scope.ExpectAsync([Regex.Escape(bootloader.InterruptPrompt)], deadline).ConfigureAwait(false);
        if (bootloader.InterruptNewline)
        {
            await scope.SendLineAsync(bootloader.InterruptCharacter, deadline).ConfigureAwait(false);
        }
        else
        {
            await scope.Console.SendAsync(bootloader.InterruptCharacter, cancellationToken: deadline).ConfigureAwait(false);
        }
        await scope.ExpectAsync([Regex.Escape(bootloader.BootloaderPrompt)], deadline).ConfigureAwait(false);
    }
}

/// <summary>
/// LAVA's <c>bootloader-commands</c>: types each boot command, waiting for the bootloader prompt after each (each wait
/// limited by the connection timeout) and, after the last, for the final message (<c>Starting kernel</c>). A
/// bootloader error message seen instead ends the job with an infrastructure error, as does a timeout.
/// </summary>
public sealed class BootloaderCommandsAction(string method, IReadOnlyList<string> commands) : PipelineAction("bootloader-commands")
{
    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var bootloader = BootloaderParameters.For(scope.Context.Device, method);
        var perCommand = scope.Context.ConnectionTimeout(Name);
        var substituted = BootCommands.Substitute(scope.Context, commands);
        scope.Context.Info("Parsed boot commands: " + string.Join("; ", substituted));
        var prompt = Regex.Escape(bootloader.BootloaderPrompt);
        for (var i = 0; i < substituted.Count; i++)
        {
            scope.Console.DiscardUnmatched();
            await scope.SendLineAsync(substituted[i], deadline).ConfigureAwait(false);
            var last = i + 1 == substituted.Count;
            if (last && bootloader.FinalMessage is null)
            {
                break;
            }
            List<string> patterns = [last ? bootloader.FinalMessage! : prompt, .. bootloader.ErrorMessages];
            var match = await scope.ExpectAsync(patterns, deadline, perCommand).ConfigureAwait(false);
            if (match.Index != 0)
            {
                throw new InfrastructureError($"matched a bootloader error message: '{patterns[match.Index]}' ({match.Index})");
            }
        }
    }
}
