namespace Lava.Cli.Commands;

/// <summary>A verb cannot go on; <see cref="Exception.Message"/> is what the user reads, <see cref="ExitCode"/> what the shell gets.</summary>
internal sealed class CommandFailedException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
