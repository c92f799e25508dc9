using System.Globalization;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/results/case?suite=S&amp;name=N</c>: one test case across the jobs the viewer may see (the newest hundred), with
/// its numeric measurements drawn as a line, oldest on the left.
/// </summary>
internal sealed class TestCaseModel(ResultsStore results, JobGateway gateway) : UiPage
{
    public const int ChartWidth = 600;
    public const int ChartHeight = 160;
    private const int MaxCases = 100;

    [BindProperty(SupportsGet = true)] public string Suite { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";

    public IReadOnlyList<StoredTestCase> Cases { get; private set; } = [];

    public string? Units { get; private set; }

    public MeasurementChart? Chart { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = new Dictionary<long, bool>();
        var cases = new List<StoredTestCase>();
        foreach (var test in await results.ListCaseHistoryAsync(Suite, Name, MaxCases, ct))
        {
            if (!visible.TryGetValue(test.JobId, out var canSee))
            {
                visible[test.JobId] = canSee = await gateway.FindAsync(test.JobId, Viewer, ct) is not null;
            }
            if (canSee) cases.Add(test);
        }
        Cases = cases;
        Units = cases.Select(c => c.Units).FirstOrDefault(u => !string.IsNullOrEmpty(u));
        Chart = MeasurementChart.Of([.. cases.AsEnumerable().Reverse()
            .Select(c => (c, Value: double.TryParse(c.Measurement, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN))
            .Where(p => double.IsFinite(p.Value))
            .Select(p => (p.Value, $"job {p.c.JobId}: {p.c.Measurement} {p.c.Units}"))]);
    }
}

/// <summary>Measurements scaled into the chart's box: the line's points and one labelled dot per value.</summary>
internal sealed record MeasurementChart(string Points, IReadOnlyList<(double X, double Y, string Label)> Dots, double Min, double Max)
{
    private const double Margin = 8;

    public static MeasurementChart? Of(IReadOnlyList<(double Value, string Label)> values)
    {
        if (values.Count < 2) return null;
        var (min, max) = (values.Min(v => v.Value), values.Max(v => v.Value));
        var span = max - min == 0 ? 1 : max - min;
        var dots = values.Select((v, i) => (
            X: Math.Round(Margin + i * (TestCaseModel.ChartWidth - 2 * Margin) / (values.Count - 1), 1),
            Y: Math.Round(TestCaseModel.ChartHeight - Margin - (v.Value - min) / span * (TestCaseModel.ChartHeight - 2 * Margin), 1),
            v.Label)).ToList();
        return new MeasurementChart(string.Join(' ', dots.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.X},{d.Y}"))), dots, min, max);
    }
}
