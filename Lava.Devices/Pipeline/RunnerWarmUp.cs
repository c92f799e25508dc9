using System.Collections.Immutable;
using System.Globalization;
using Lava.Devices.BoardSimulator;

namespace Lava.Devices.Pipeline;

/// <summary>
/// What a spare job runner does before it waits for a job: one whole boot-only job (minimal boot, power reset through
/// a PDU command, auto-login) on a simulated board of its own, so that the code a real job runs first (YAML, the
/// pipeline's types, the telnet console, the expect engine, starting a power command, the spool) is JIT-compiled
/// before the job comes. Its device configuration and job definition have the shapes of rendered ones (comments, quoted
/// and escaped scalars, block and flow collections, empty values): a real device configuration is some 9 KB of LAVA's
/// base template, and the YAML scanner's code for each shape is compiled the first time it is met, which took a job
/// some 30 ms before its first action. Failures are ignored: a cold runner still runs its job. No power-off: a warm-up
/// stopped because the job came ends at once.
/// </summary>
public static class RunnerWarmUp
{
    private const string Prompt = "warm-up:~# ";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    // What LAVA's base device template renders besides commands and methods, in its shapes.
    private const string TemplateShapes = """
        constants:

          # POSIX os (not AOSP)
          posix:
            lava_test_sh_cmd: /bin/sh
            lava_test_results_dir: lava-%s
          u-boot:
            interrupt-prompt: 'Hit any key to stop autoboot'
            interrupt-character: ' '
            interrupt_ctrl_list: []
            interrupt-newline: True
            error-messages:
              - 'Resetting CPU'
              - "error: missing (.*) symbol."
              - 'Error code \d+( \([\w\s]+\))?\r\n'
            dfu-download: 'DOWNLOAD \.\.\. OK\r\nCtrl\+C to exit \.\.\.'
          ipxe:
            interrupt_ctrl_list: ['b']
          spawn_maxread: '4092'
          failure_retry: 1
          boot_retry:
        parameters:
          # interfaces or device_ip or device_mac

          pass: # sata_uuid_sd_uuid_usb_uuid

        timeouts:
          actions:
            apply-overlay-image:
              minutes: 2
          connections:
            bootloader-commands: {minutes: 5}
        """;

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
                {TemplateShapes}
                commands:
                    connect: telnet 127.0.0.1 {board.Port}
                    hard_reset: bash {script} reboot 1
                actions:
                  deploy:
                    methods:
                      ssh:
                        options:
                          - '-o'
                          - 'Compression=yes'
                        host: ""
                        port: 22
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
                    minimal-boot: {minutes: 1}
                    auto-login-action: {minutes: 1}
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
