using System.Text.Json;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>
/// The LAVA compatibility corpus (<c>shared/corpus</c>), found by walking up from the test binaries: beside the
/// clone in CI (<c>&lt;clone&gt;/../shared</c>), beside the worktree in development.
/// </summary>
public static class JobCorpus
{
    public static string? Directory { get; } = Locate();

    public static string? SkipReason => Directory is null && Environment.GetEnvironmentVariable("CI") != "true"
        ? "shared/corpus/verdicts.json not found above the test directory: corpus test skipped (with CI=true it fails instead)."
        : null;

    /// <summary>Every job file of verdicts.json with LAVA's submission verdict and validate answer.</summary>
    public static IEnumerable<object[]> Verdicts()
    {
        if (Directory is null)
        {
            yield break;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "verdicts.json")));
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var rpc = entry.Value.GetProperty("validate_rpc");
            var path = rpc.TryGetProperty("path", out var p) ? p.GetString() : null;
            var msg = rpc.TryGetProperty("msg", out var m) ? m.GetString() : null;
            yield return [entry.Name, entry.Value.GetProperty("submit").GetString()!, path!, msg!];
        }
    }

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory!, relativePath));

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "corpus"), Path.Combine(dir.FullName, "..", "shared", "corpus") })
            {
                if (File.Exists(Path.Combine(candidate, "verdicts.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }
}

/// <summary>A theory over the corpus: skipped when it is absent, except with CI=true where it fails.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (JobCorpus.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs the corpus: skipped when it is absent, except with CI=true where it fails.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (JobCorpus.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
