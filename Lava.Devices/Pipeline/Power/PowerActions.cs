namespace Lava.Devices.Pipeline.Power;

/// <summary>
/// Runs one of the device's power commands (<c>commands.power_on</c>, <c>power_off</c>, <c>hard_reset</c>: a string
/// or a list run in order) as LAVA's <c>power-on</c>, <c>power-off</c> and <c>pdu-reboot</c> actions. An infrastructure
/// error on failure or timeout; a device without the command logs a warning and does nothing, as LAVA does for an
/// empty <c>power_on</c>.
/// </summary>
public sealed class PowerCommandAction(string name, string command, string what) : PipelineAction(name)
{
    /// <summary><c>power-on</c>: <c>pre_power_command</c> then <c>power_on</c>.</summary>
    public static PowerCommandAction PowerOn() => new("power-on", "power_on", "power-on");

    /// <summary><c>power-off</c>: <c>power_off</c> (run at the end of every job too).</summary>
    public static PowerCommandAction PowerOff() => new("power-off", "power_off", "power-off");

    /// <summary><c>pdu-reboot</c>: <c>hard_reset</c>.</summary>
    public static PowerCommandAction HardReset() => new("pdu-reboot", "hard_reset", "hard reset");

    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var device = scope.Context.Device;
        var commands = command == "power_on"
            ? [.. device.Commands("pre_power_command"), .. device.Commands("power_on")]
            : device.Commands(command);
        if (commands.Count == 0)
        {
            scope.Context.Warning($"No {command} command defined for this device: {what} skipped");
            return;
        }
        foreach (var line in commands)
        {
            await HostCommand.RunAsync(scope.Context, what, line, deadline).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// LAVA's <c>reset-device</c>: a hard reset (<c>pdu-reboot</c>) when the device has <c>hard_reset</c>, else
/// <c>power-off</c> then <c>power-on</c>. Without any of them the job cannot reset the board: an infrastructure error.
/// </summary>
public sealed class ResetDeviceAction(DeviceConfiguration device) : PipelineAction("reset-device", Steps(device))
{
    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    public override IEnumerable<string> Validate(PipelineContext context) =>
        Children.Count == 0 ? ["Hard reset required but not defined."] : base.Validate(context);

    public override Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        scope.Context.OverlayOnDevice = false; // whatever a test action typed onto the board is gone after a reset
        return base.RunAsync(scope, deadline);
    }

    private static PipelineAction[] Steps(DeviceConfiguration device) =>
        device.Commands("hard_reset").Count > 0 ? [PowerCommandAction.HardReset()]
        : device.Commands("power_on").Count > 0 ? [PowerCommandAction.PowerOff(), PowerCommandAction.PowerOn()]
        : [];
}
