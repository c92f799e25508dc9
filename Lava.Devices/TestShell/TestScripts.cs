using System.Text;

namespace Lava.Devices.TestShell;

/// <summary>
/// The scripts LAVA writes into a test definition's directory (§1.8): <c>run.sh</c> (parameters, the STARTRUN
/// signal, the run steps verbatim, the ENDRUN signal) and <c>install.sh</c> (the <c>install</c> block as LAVA honours
/// it on a running system: <c>deps</c> through <c>lava-install-packages</c>, <c>git-repos</c> cloned, <c>steps</c>
/// verbatim, each skipped when <c>skip_install</c> names it or <c>all</c>). Both find their directory from their own
/// path, so the overlay can live anywhere.
/// </summary>
internal static class TestScripts
{
    public static string RunScript(TestDefinition definition)
    {
        var script = new StringBuilder("#!/bin/sh\n");
        script.Append("###default parameters from test definition###\n");
        AppendParameters(script, definition.DefaultParameters);
        script.Append("######\n");
        script.Append("###test parameters from job submission###\n");
        AppendParameters(script, definition.Parameters);
        script.Append("######\n");
        script.Append("set -e\n");
        script.Append("set -x\n");
        script.Append($"export TESTRUN_ID={definition.RunName}\n");
        script.Append("cd \"$(dirname \"$0\")\"\n");
        script.Append("UUID=`cat uuid`\n");
        script.Append("set +x\n");
        script.Append("echo \"<LAVA_SIGNAL_STARTRUN $TESTRUN_ID $UUID>\"\n");
        script.Append("set -x\n");
        foreach (var step in definition.RunSteps)
        {
            script.Append(step).Append('\n');
        }
        script.Append("set +x\n");
        script.Append("echo \"<LAVA_SIGNAL_ENDRUN $TESTRUN_ID $UUID>\"\n");
        return script.ToString();
    }

    public static string? InstallScript(TestDefinition definition)
    {
        var skip = definition.SkipInstall;
        bool Wanted(string part) => !skip.Contains("all") && !skip.Contains(part);
        var install = definition.Install;
        var lines = new List<string>();
        if (Wanted("deps") && TestDefinition.Steps(install, "deps") is { Count: > 0 } deps)
        {
            lines.Add("lava-install-packages " + string.Join(' ', deps.Select(TreeText.ShellQuote)));
        }
        if (Wanted("git-repos") && install.GetValueOrDefault("git-repos") is List<object?> repositories)
        {
            lines.AddRange(repositories.Select(GitClone).OfType<string>());
        }
        if (Wanted("steps"))
        {
            lines.AddRange(TestDefinition.Steps(install, "steps"));
        }
        if (lines.Count == 0)
        {
            return null;
        }
        var script = new StringBuilder("#!/bin/sh\n");
        AppendParameters(script, definition.DefaultParameters);
        AppendParameters(script, definition.Parameters);
        script.Append("set -e\n");
        script.Append("cd \"$(dirname \"$0\")\"\n");
        foreach (var line in lines)
        {
            script.Append(line).Append('\n');
        }
        return script.ToString();
    }

    // A git-repos entry: a URL, or a map with url, destination and branch.
    private static string? GitClone(object? repository) => repository switch
    {
        string url => $"git clone {TreeText.ShellQuote(url)}",
        OrderedDictionary<object, object?> map when map.GetValueOrDefault("url") is string url =>
            "git clone" +
            (map.GetValueOrDefault("branch") is { } branch ? $" -b {TreeText.ShellQuote(TreeText.Scalar(branch))}" : "") +
            $" {TreeText.ShellQuote(url)}" +
            (map.GetValueOrDefault("destination") is { } destination ? $" {TreeText.ShellQuote(TreeText.Scalar(destination))}" : ""),
        _ => null,
    };

    private static void AppendParameters(StringBuilder script, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            script.Append($"export {name}={TreeText.ShellQuote(value)}\n");
        }
    }
}
