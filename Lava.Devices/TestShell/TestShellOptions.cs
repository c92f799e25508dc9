namespace Lava.Devices.TestShell;

/// <summary>How a <see cref="TestShellSession"/> runs one test action.</summary>
public sealed record TestShellOptions
{
    /// <summary>The shell prompts (regular expressions, the boot action's <c>prompts</c>).</summary>
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <summary>The action's timeout (already limited by the job's deadline): when it runs out the action fails with a LAVATimeout error.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The limit for a single exchange at the prompt (the initial prompt, each transfer chunk).</summary>
    /// <value>10 seconds by default (LAVA's <c>lava-test-shell</c> connection timeout).</value>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The test action's stage: its index among the job's test actions.</summary>
    /// <value>0 by default.</value>
    public int Stage { get; init; }

    /// <summary>The action's namespace, recorded in the <c>lava</c> results.</summary>
    /// <value><c>common</c> by default.</value>
    public string Namespace { get; init; } = "common";

    /// <summary>LAVA's <c>lava_test_sh_cmd</c>: when set, <c>export SHELL=…</c> is sent before the runner.</summary>
    /// <value>null by default.</value>
    public string? ShellCommand { get; init; }

    /// <summary>Placeholders of interactive commands (<c>{SERVER_IP}</c> → value); <c>{JOB_ID}</c> is one.</summary>
    /// <value>none by default.</value>
    public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();
}
