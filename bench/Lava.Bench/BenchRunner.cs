using System.Globalization;
using System.Text.Json;

namespace Lava.Bench;

/// <summary>One measured figure, printed as one JSON line.</summary>
public sealed record Figure(string Bench, string Metric, double Value, string Unit);

/// <summary>A named group of measurements run by <c>./lava bench NAME</c>.</summary>
public interface IBenchSuite
{
    string Name { get; }

    /// <summary>Runs the measurements, yielding each figure as soon as it is known.</summary>
    IAsyncEnumerable<Figure> RunAsync(CancellationToken cancellationToken);
}

public static class BenchRunner
{
    private static readonly IBenchSuite[] Suites =
    [
        new KernelBench(),
        new ClusterBench(),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var wanted = args.Where(a => !a.StartsWith('-')).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(w => Suites.All(s => s.Name != w)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"unknown bench '{unknown[0]}'; known: {string.Join(", ", Suites.Select(s => s.Name))}");
            return 2;
        }

        foreach (var suite in Suites.Where(s => wanted.Count == 0 || wanted.Contains(s.Name)))
        {
            await foreach (var figure in suite.RunAsync(CancellationToken.None))
            {
                Console.WriteLine(Format(figure));
            }
        }
        return 0;
    }

    public static string Format(Figure f) =>
        "{\"bench\":" + JsonSerializer.Serialize(f.Bench) +
        ",\"metric\":" + JsonSerializer.Serialize(f.Metric) +
        ",\"value\":" + Math.Round(f.Value, 3).ToString(CultureInfo.InvariantCulture) +
        ",\"unit\":" + JsonSerializer.Serialize(f.Unit) + "}";
}
