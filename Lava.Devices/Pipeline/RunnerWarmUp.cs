using System.Collections.Immutable;
using System.Globalization;
using Lava.Devices.BoardSimulator;

namespace Lava.Devices.Pipeline;

/// <summary>
/// What a spare job runner does before it waits for a job: one whole boot-only job (minimal boot, power reset through
/// a PDU command, auto-login) on a simulated board of its own, so that the code a real job runs first (YAML, the
/// pipeline's types, the telnet console, the expect engine, starting a power command, the spool) is JIT-compiled
/// before the job comes. Failures are ignored: a cold runner still runs its job. No power-off: a warm-up stopped because
/// the job came ends at once.
/// </summary>
public static class RunnerWarmUp
{
    private const string Prompt = "warm-up:~# ";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs the warm-up job in <paramref name="directory"/> (created, then deleted); returns true when it passed.</summary>
    public static async Task<bool> RunAsync(string directory, CancellationToken stop)
    {
        Directory.CreateDirectory(directory);
        await using var board = SimulatedBoard.Start(new SimulatedBoardOptions { Name = "warm-up", BaudRate = 0, AutobootSeconds = 0, ShellPrompt = Prompt });
        await using var pdu = SimulatedPdu.Start(new SimulatedPduOptions
        {
            Name = "warm-up-pdu",
            Outlets = ImmutableDictionary<int, SimulatedBoard>.Empty.Add(1, board),
            RebootDelay = TimeSpan.Zero,
        });
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(Limit);
        try
        {
            var script = pdu.WriteShellClient(Path.Combine(directory, "pdu.sh"));
            await File.WriteAllTextAsync(Path.Combine(directory, "device.yaml"), string.Create(CultureInfo.InvariantCulture, $"""
                commands:
                  connect: telnet 127.0.0.1 {board.Port}
                  hard_reset: bash {script} reboot 1
                actions:
                  boot:
                    methods:
                      minimal:

                """), stop).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "job.yaml"), $$"""
                device_type: lava-sim
                job_name: warm-up
                visibility: public
                timeouts:
                  job: {minutes: 1}
                  action: {minutes: 1}
                actions:
                - boot:
                    method: minimal
                    auto_login: {login_prompt: 'login:', username: root}
                    prompts: ['{{Prompt}}']

                """, stop).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "run.json"), """{"jobId":0,"device":"warm-up","worker":"warm-up","jobTimeoutSeconds":60,"fileServer":null}""" + "\n", stop).ConfigureAwait(false);
            await JobRunner.RunAsync(directory, limit.Token).ConfigureAwait(false);
            return new Runs.JobDirectory(directory).ReadEnd()?.Result == "pass";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            TryDelete(directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover only costs disk until its spare's directory goes.
        }
    }
}
