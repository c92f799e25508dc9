using System.CommandLine;
using Lava.Actors.Configuration;
using Lava.Cli.Configuration;

namespace Lava.Cli.Commands;

/// <summary><c>lava-cli config …</c>: inspect HOCON configuration files.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The HOCON file to resolve." };
        var resolve = new Command("resolve", "Print FILE as JSON (keys sorted) after merging its includes, resolving its substitutions and filling in Lava's defaults (reference.conf).");
        resolve.Arguments.Add(file);
        resolve.SetAction(parse =>
            Resolve(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));

        var config = new Command("config", "Inspect Lava configuration files.");
        config.Subcommands.Add(resolve);
        return config;
    }

    private static int Resolve(string path, TextWriter output, TextWriter error)
    {
        try
        {
            output.WriteLine(HoconJson.Write(LavaConfig.Load(path)));
            return 0;
        }
        catch (LavaConfigException e)
        {
            error.WriteLine(e.Message);
            return LavaCli.ExitInvalidInput;
        }
    }
}
