using System.Globalization;
using Lava.Actors.Jobs.ReadModels;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// One action of a job's pipeline as its <c>lava</c> suite case records it when the action ends: its level
/// (<c>1.2.3</c>), name, result, duration in seconds and so its start. Cases without a level (<c>job</c>, validation)
/// are not actions.
/// </summary>
internal sealed record ActionTiming(string Level, string Name, TestResultCode Result, double? Seconds, DateTimeOffset? Started)
{
    /// <summary>How deep the action sits in the pipeline: 0 for a top-level action.</summary>
    public int Depth => Level.Count(c => c == '.');

    /// <summary>The actions among <paramref name="lavaCases"/>, in pipeline order (1, 1.1, 1.2, 2...), not in the order they ended.</summary>
    public static IReadOnlyList<ActionTiming> From(IEnumerable<StoredTestCase> lavaCases) =>
    [
        .. lavaCases
            .Select(c => (Case: c, Level: c.Extra?.GetValueOrDefault("level")))
            .Where(a => a.Level is not null)
            .Select(a =>
            {
                var seconds = double.TryParse(a.Case.Extra?.GetValueOrDefault("duration") ?? a.Case.Measurement, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : (double?)null;
                return new ActionTiming(a.Level!, a.Case.Name, a.Case.Result, seconds, seconds is { } d ? a.Case.Logged - TimeSpan.FromSeconds(d) : null);
            })
            .OrderBy(a => a.Level, LevelOrder.Instance),
    ];

    /// <summary>Levels compared part by part as numbers: 1.10 after 1.9.</summary>
    private sealed class LevelOrder : IComparer<string>
    {
        public static readonly LevelOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var (a, b) = ((x ?? "").Split('.'), (y ?? "").Split('.'));
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var order = int.TryParse(a[i], out var m) && int.TryParse(b[i], out var n) ? m.CompareTo(n) : string.CompareOrdinal(a[i], b[i]);
                if (order != 0) return order;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
