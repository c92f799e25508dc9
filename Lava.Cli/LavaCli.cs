using System.CommandLine;
using Lava.Cli.Commands;

namespace Lava.Cli;

/// <summary>The command tree of <c>lava-cli</c>; each verb lives in its own file under Commands/.</summary>
internal static class LavaCli
{
    /// <summary>Exit code when the master refused a request or could not be reached.</summary>
    public const int ExitApiError = 1;

    /// <summary>Exit code for input the user must fix: bad usage, an invalid or missing configuration file, no token.</summary>
    public const int ExitInvalidInput = 2;

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Command-line client for the Lava board farm.");
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(WorkersCommand.Create());
        root.Subcommands.Add(DeviceTypesCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(GroupsCommand.Create());
        root.Subcommands.Add(SimCommand.Create());
        root.Subcommands.Add(SimCommand.CreatePduClient());
        root.Subcommands.Add(Demo.DemoCommand.CreateDemo());
        root.Subcommands.Add(Demo.DemoCommand.CreateUp());
        return root;
    }
}
