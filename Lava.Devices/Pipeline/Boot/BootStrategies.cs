using Lava.Actors.Jobs.Definition;
using Lava.Devices.Pipeline.Power;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>An action that only runs its internal pipeline (LAVA's container actions such as <c>uboot-commands</c>).</summary>
public sealed class ActionGroup(string name, IReadOnlyList<PipelineAction> children, TimeoutErrorKind timeoutError = TimeoutErrorKind.Job)
    : PipelineAction(name, children)
{
    public override TimeoutErrorKind TimeoutError => timeoutError;
}

/// <summary>The boot methods this runner knows, as <see cref="ActionFactory"/>s for <see cref="ActionRegistry"/>.</summary>
public static class BootStrategies
{
    /// <summary>
    /// <c>method: u-boot</c> as LAVA's <c>uboot-action</c>: connect-device, then <c>uboot-commands</c> = reset-device
    /// (hard reset, or power off and on), bootloader-interrupt, bootloader-commands (the block's <c>commands</c>: a
    /// named set of the device or a literal list) and, with <c>prompts</c>, auto-login-action.
    /// </summary>
    public static PipelineAction UBoot(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        const string method = "u-boot";
        if (device.BootMethod(method) is null)
        {
            errors.Add($"The device has no '{method}' boot method");
        }
        var commands = BootCommands.Resolve(device, method, action.Block.GetValueOrDefault("commands"), errors);
        List<PipelineAction> steps =
        [
            new ResetDeviceAction(device),
            new BootloaderInterruptAction(method),
            new BootloaderCommandsAction(method, commands),
        ];
        AddLogin(action, steps, method, errors);
        return new ActionGroup("uboot-action", [new ConnectDeviceAction(), new ActionGroup("uboot-commands", steps)]);
    }

    /// <summary>
    /// <c>method: minimal</c> as LAVA's <c>minimal-boot</c>: connect-device, reset-device (unless <c>reset: false</c>),
    /// and auto-login-action with <c>prompts</c>.
    /// </summary>
    public static PipelineAction Minimal(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        List<PipelineAction> steps = [new ConnectDeviceAction()];
        if (action.Block.GetValueOrDefault("reset") is not false)
        {
            steps.Add(new ResetDeviceAction(device));
        }
        AddLogin(action, steps, null, errors);
        return new ActionGroup("minimal-boot", steps);
    }

    /// <summary>
    /// <c>method: qemu</c> as LAVA's <c>boot-image-retry</c>: <c>boot-qemu-image</c> (<c>execute-qemu</c>: QEMU started
    /// with the deployed images and the job's overlay, its stdio the job's console) and, with <c>prompts</c>,
    /// auto-login-action. QEMU has no power commands: closing its console at the end of the job stops it.
    /// </summary>
    public static PipelineAction Qemu(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        if (device.BootMethod(ExecuteQemuAction.Method) is null)
        {
            errors.Add($"The device has no '{ExecuteQemuAction.Method}' boot method");
        }
        if (action.Block.GetValueOrDefault("media") is { } media && media is not "tmpfs")
        {
            errors.Add($"qemu boot media '{media}' is not supported: only tmpfs is");
        }
        List<PipelineAction> steps = [new ActionGroup("boot-qemu-image", [new ExecuteQemuAction()], TimeoutErrorKind.Infrastructure)];
        AddLogin(action, steps, null, errors);
        return new ActionGroup("boot-image-retry", steps);
    }

    private static void AddLogin(JobAction action, List<PipelineAction> steps, string? bootloader, List<string> errors)
    {
        if (action.Block.ContainsKey("prompts") || action.Block.ContainsKey("auto_login"))
        {
            errors.AddRange(AutoLoginAction.ValidateBlock(action.Block));
            steps.Add(new AutoLoginAction(bootloader));
        }
    }
}
