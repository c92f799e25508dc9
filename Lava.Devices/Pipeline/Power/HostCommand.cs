using System.Diagnostics;

namespace Lava.Devices.Pipeline.Power;

/// <summary>
/// Runs a device dictionary's command on the worker through <c>/bin/sh -c</c> (power, user commands), logging the
/// command and each line it prints. A non-zero exit or the deadline raises an <see cref="InfrastructureError"/> naming
/// the command, in LAVA's words ("Unable to power-on: 'CMD' failed"); a cancel kills it and ends with
/// <see cref="OperationCanceledException"/>.
/// </summary>
public static class HostCommand
{
    /// <summary>Runs <paramref name="command"/>; <paramref name="what"/> names the purpose (<c>power-on</c>) in errors.</summary>
    public static async Task RunAsync(PipelineContext context, string what, string command, CancellationToken deadline)
    {
        context.Info($"Calling: '{command}'");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Output(context, e.Data);
        process.ErrorDataReceived += (_, e) => Output(context, e.Data);
        var started = context.Clock.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InfrastructureError($"Unable to {what}: '{command}' could not start: {e.Message}", e);
        }
        process.StandardInput.Close(); // a command waiting for input would hang the job
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (context.Stopping.IsCancellationRequested)
            {
                throw;
            }
            throw new InfrastructureError($"Unable to {what}: '{command}' timed out after {(int)context.Clock.GetElapsedTime(started).TotalSeconds} seconds");
        }
        process.WaitForExit(); // drains the redirected output into the log before the verdict
        var elapsed = context.Clock.GetElapsedTime(started);
        context.Debug($"Returned {process.ExitCode} in {(int)elapsed.TotalSeconds} seconds");
        if (process.ExitCode != 0)
        {
            throw new InfrastructureError($"Unable to {what}: '{command}' failed (exit code {process.ExitCode})");
        }
    }

    private static void Output(PipelineContext context, string? line)
    {
        if (line is not null)
        {
            context.Debug(line);
        }
    }
}
