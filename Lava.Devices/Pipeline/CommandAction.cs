using Lava.Actors.Jobs.Definition;
using Lava.Devices.Pipeline.Power;

namespace Lava.Devices.Pipeline;

/// <summary>
/// LAVA's <c>user-command</c> (<c>- command: {name: NAME}</c>): runs on the worker the admin's
/// <c>commands.users.NAME.do</c>, or one of the device's built-in commands (<c>power_on</c>, <c>hard_reset</c>...),
/// and leaves its <c>undo</c> for the end of the job. A failing command is an infrastructure error.
/// </summary>
public sealed class CommandAction(string name) : PipelineAction("user-command")
{
    private static readonly string[] Builtins =
        ["pre_power_command", "pre_os_command", "hard_reset", "power_on", "power_off", "recovery_mode", "recovery_exit"];

    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    /// <summary>The <see cref="ActionFactory"/> for <c>command</c> blocks.</summary>
    public static PipelineAction Create(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        if (action.Block.GetValueOrDefault("name") is not string name || name.Length == 0)
        {
            errors.Add("missing 'name' in command action");
            return new CommandAction("");
        }
        return new CommandAction(name);
    }

    public override IEnumerable<string> Validate(PipelineContext context)
    {
        if (Builtins.Contains(name))
        {
            if (context.Device.Commands(name).Count == 0)
            {
                yield return $"Command '{name}' not defined for this device";
            }
        }
        else if (context.Device.Get("commands", "users", name) is null)
        {
            yield return $"Unknown user command '{name}'";
        }
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var device = scope.Context.Device;
        var builtin = Builtins.Contains(name);
        var commands = builtin ? device.Commands(name) : DeviceConfiguration.Strings(device.Get("commands", "users", name, "do"));
        scope.Extra["name"] = name;
        foreach (var command in commands)
        {
            await HostCommand.RunAsync(scope.Context, $"run '{name}'", command, deadline).ConfigureAwait(false);
        }
        if (!builtin)
        {
            foreach (var undo in DeviceConfiguration.Strings(device.Get("commands", "users", name, "undo")))
            {
                scope.Context.AddUndo(undo);
            }
        }
    }
}
