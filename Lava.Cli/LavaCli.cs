using System.CommandLine;
using Lava.Cli.Commands;

namespace Lava.Cli;

/// <summary>The command tree of <c>lava-cli</c>; each verb lives in its own file under Commands/.</summary>
internal static class LavaCli
{
    /// <summary>Exit code for input the user must fix (an invalid or missing configuration file).</summary>
    public const int ExitInvalidInput = 2;

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Command-line client for the Lava board farm.");
        root.Subcommands.Add(ConfigCommand.Create());
        return root;
    }
}
