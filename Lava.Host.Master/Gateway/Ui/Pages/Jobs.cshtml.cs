using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/jobs</c>: the job list (filters, pages of <see cref="PageSize"/>, rows kept live) and the submit form.</summary>
internal sealed class JobsModel(IJobReadModel jobs, JobGateway gateway) : UiPage
{
    public const int PageSize = 50;

    // The list counts this far past the page shown: an exact total of a large lab costs a scan of every job it holds.
    private const int CountedAhead = 10_000;

    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Health { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Device { get; set; }
    [BindProperty(SupportsGet = true)] public string? Submitter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public int Offset { get; set; }
    [BindProperty] public string? Definition { get; set; }

    public Page<JobRow> Rows { get; private set; } = new(0, []);

    public string? Refusal { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Offset = Math.Max(0, Offset);
        Rows = await jobs.ListAsync(new JobQuery(
            Viewer,
            Enum.TryParse<JobState>(State, out var state) ? state : null,
            Enum.TryParse<JobHealth>(Health, out var health) ? health : null,
            Blank(Submitter),
            Blank(Type),
            Blank(Device),
            Offset: Offset,
            Limit: PageSize,
            Tag: Blank(Tag),
            Text: Blank(Q),
            CountLimit: Offset + CountedAhead), ct);
    }

    /// <summary>The number of jobs matched, or "more than N" past what was counted.</summary>
    public string Total => Rows.Count > Offset + CountedAhead
        ? $"more than {(Offset + CountedAhead).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}"
        : Rows.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (CurrentUser is not { } user) return Challenge();
        var outcome = await gateway.SubmitAsync(Definition ?? "", user, cancellationToken: ct);
        if (outcome.Refusal is { } refusal)
        {
            Refusal = refusal.Line is { } line ? $"line {line}: {refusal.Text}" : refusal.Text;
            await OnGetAsync(ct);
            return Page();
        }
        Flash = $"Job {string.Join(", ", outcome.Jobs.Select(j => j.Id))} submitted.";
        return Redirect($"/jobs/{outcome.Jobs[0].Id}");
    }

    /// <summary>This list's URL at another offset, filters kept.</summary>
    public string PageUrl(int offset) => "/jobs" + QueryString.Create(new Dictionary<string, string?>
    {
        ["state"] = State, ["health"] = Health, ["type"] = Type, ["device"] = Device, ["submitter"] = Submitter, ["tag"] = Tag, ["q"] = Q,
        ["offset"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
