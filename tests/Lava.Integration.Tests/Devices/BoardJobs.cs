namespace Lava.Integration.Tests.Devices;

/// <summary>LAVA jobs for the simulated boards of a <see cref="BoardLab"/>: each picks its board by tag.</summary>
internal static class BoardJobs
{
    /// <summary>The test cases <see cref="Smoke"/> records in its <c>1_smoke</c> suite, with their results.</summary>
    public static readonly (string Name, string Result)[] SmokeCases =
        [("echo", "pass"), ("false", "fail"), ("uname", "pass"), ("loadavg", "pass")];

    /// <summary>Boots the board tagged <paramref name="board"/> and runs four test cases; <paramref name="steps"/> adds more steps before them.</summary>
    public static string Smoke(string board, string? steps = null, int jobMinutes = 4) => $$"""
        device_type: lava-sim
        job_name: smoke on {{board}}
        priority: medium
        visibility: public
        tags: [{{board}}]
        timeouts:
          job: {minutes: {{jobMinutes}}}
          action: {minutes: 2}
          actions:
            auto-login-action: {seconds: 30}
        actions:
        - boot:
            method: u-boot
            commands: ramdisk
            auto_login:
              login_prompt: 'login:'
              username: root
            prompts: ['root@{{board}}:~# ']
        - test:
            timeout: {minutes: 3}
            definitions:
            - from: inline
              name: smoke
              path: inline/smoke.yaml
              repository:
                metadata:
                  format: Lava-Test Test Definition 1.0
                  name: smoke
                  description: simulated board smoke test
                run:
                  steps:
        {{steps}}
                  - lava-test-case echo --shell echo hello
                  - lava-test-case false --shell false
                  - lava-test-case uname --shell uname -a
                  - lava-test-case loadavg --result pass --measurement 0.5 --units load

        """;

    /// <summary>A step for <see cref="Smoke"/>: prints <paramref name="lines"/> numbered lines, one every <paramref name="pause"/> seconds.</summary>
    public static string Lines(int lines, double pause) =>
        $"          - for i in $(seq 1 {lines}); do echo \"line $i of {lines}\"; sleep {pause.ToString(System.Globalization.CultureInfo.InvariantCulture)}; done";
}
