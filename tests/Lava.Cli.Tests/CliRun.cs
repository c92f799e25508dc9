using System.CommandLine;

namespace Lava.Cli.Tests;

/// <summary>What one in-process run of <c>lava-cli</c> printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = LavaCli.CreateRootCommand().Parse(args);
        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
