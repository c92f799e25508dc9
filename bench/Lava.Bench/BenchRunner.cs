using System.Globalization;
using System.Text.Json;

namespace Lava.Bench;

/// <summary>One measured figure, printed as one JSON line.</summary>
public sealed record Figure(string Bench, string Metric, double Value, string Unit);

/// <summary>What the suites compute from their samples.</summary>
internal static class Samples
{
    /// <summary>The middle sample; the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>A named group of measurements run by <c>./lava bench NAME</c>.</summary>
public interface IBenchSuite
{
    string Name { get; }

    /// <summary>Runs the measurements, yielding each figure as soon as it is known.</summary>
    IAsyncEnumerable<Figure> RunAsync(CancellationToken cancellationToken);
}

public static class BenchRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var wanted, out var postgres, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        IBenchSuite[] suites = [new KernelBench(postgres), new ClusterBench(), new SchedulerBench(), new DevicesBench(), new UiBench()];
        var unknown = wanted.Where(w => suites.All(s => s.Name != w)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"unknown bench '{unknown[0]}'; known: {string.Join(", ", suites.Select(s => s.Name))}");
            return 2;
        }

        foreach (var suite in suites.Where(s => wanted.Count == 0 || wanted.Contains(s.Name)))
        {
            await foreach (var figure in suite.RunAsync(CancellationToken.None))
            {
                Console.WriteLine(Format(figure));
            }
        }
        return 0;
    }

    /// <summary>
    /// Suite names, and the PostgreSQL connection string for the journal figures: <c>--postgres CONNECTION</c>,
    /// else <c>LAVA_BENCH_POSTGRES</c> (set by <c>./lava bench</c>), else <c>LAVA_TEST_POSTGRES</c>.
    /// </summary>
    private static bool TryParse(string[] args, out HashSet<string> wanted, out string? postgres, out string error)
    {
        wanted = new HashSet<string>(StringComparer.Ordinal);
        postgres = null;
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--postgres" && i + 1 < args.Length)
            {
                postgres = args[++i];
            }
            else if (args[i].StartsWith("--postgres=", StringComparison.Ordinal))
            {
                postgres = args[i]["--postgres=".Length..];
            }
            else if (args[i].StartsWith('-'))
            {
                error = $"unknown option '{args[i]}'; usage: Lava.Bench [--postgres CONNECTION] [NAME...]";
                return false;
            }
            else
            {
                wanted.Add(args[i]);
            }
        }
        postgres ??= new[] { "LAVA_BENCH_POSTGRES", "LAVA_TEST_POSTGRES" }
            .Select(Environment.GetEnvironmentVariable)
            .FirstOrDefault(s => !string.IsNullOrEmpty(s));
        return true;
    }

    public static string Format(Figure f) =>
        "{\"bench\":" + JsonSerializer.Serialize(f.Bench) +
        ",\"metric\":" + JsonSerializer.Serialize(f.Metric) +
        ",\"value\":" + Math.Round(f.Value, 3).ToString(CultureInfo.InvariantCulture) +
        ",\"unit\":" + JsonSerializer.Serialize(f.Unit) + "}";
}
