using Lava.Devices.Consoles;

namespace Lava.Devices.Pipeline.Boot;

/// <summary>
/// LAVA's <c>connect-device</c>: opens the device's primary console (<c>commands.connect</c>, via
/// <see cref="ConnectionCommand"/>) and keeps it as the job's connection, everything read logged as <c>target</c>.
/// Reuses an open console. A console that cannot be opened is an infrastructure error.
/// </summary>
public sealed class ConnectDeviceAction() : PipelineAction("connect-device")
{
    public override TimeoutErrorKind TimeoutError => TimeoutErrorKind.Infrastructure;

    public override IEnumerable<string> Validate(PipelineContext context)
    {
        if (context.Device.ConnectCommand is not { } command)
        {
            yield return "Unable to identify primary connection command.";
            yield break;
        }
        string? problem = null;
        try
        {
            ConnectionCommand.Parse(command);
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }
        if (problem is not null)
        {
            yield return problem;
        }
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var context = scope.Context;
        if (context.Console is not null)
        {
            context.Debug("Already connected");
            return;
        }
        var command = ConnectionCommand.Parse(context.Device.ConnectCommand!);
        context.Info($"[common] connect-device Connecting to device using '{command.Text}'");
        IConsoleConnection connection;
        try
        {
            connection = await command.OpenAsync(deadline).ConfigureAwait(false);
        }
        catch (ConsoleClosedException e)
        {
            throw new InfrastructureError($"Unable to connect using '{command.Text}': {e.Message}", e);
        }
        context.Console = new ConsoleExpect(connection, context, new ConsoleExpectOptions(), context.Clock);
        scope.Extra["connection"] = connection.Description;
    }
}
