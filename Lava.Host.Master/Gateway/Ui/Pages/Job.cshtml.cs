using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/jobs/N</c>: one job (state kept live), the timing of its pipeline's actions, its log viewer, its definition,
/// and cancel or resubmit for those the API allows them (the submitter or a superuser cancels; any signed-in user
/// resubmits). <c>?handler=Timings</c> answers the timing table alone, which the page fetches again as actions end.
/// </summary>
internal sealed class JobModel(JobGateway gateway, ResultsStore results) : UiPage
{
    // A pipeline has tens of actions; a runaway one's cases must not make the page heavy.
    private const int MaxActions = 1000;

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public JobRow? Job { get; private set; }

    public bool CanCancel => Job is { State: < JobState.Canceling } job && CurrentUser is { } user && (user.IsSuperuser || user.Username == job.Submitter);

    public bool CanResubmit => Job is not null && CurrentUser is not null;

    public IReadOnlyList<ActionTiming> Actions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Job = await gateway.FindAsync(Id, Viewer, ct);
        if (Job is null) return NotFound();
        Actions = await ActionsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetTimingsAsync(CancellationToken ct)
    {
        if (await gateway.FindAsync(Id, Viewer, ct) is null) return NotFound();
        return Partial("_Timings", await ActionsAsync(ct));
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        if (CurrentUser is not { } user) return Challenge();
        var outcome = await gateway.CancelAsync(Id, user, ct);
        if (outcome == CancelOutcome.NotFound) return NotFound();
        if (outcome == CancelOutcome.Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        Flash = $"Job {Id} is being canceled.";
        return Redirect($"/jobs/{Id}");
    }

    public async Task<IActionResult> OnPostResubmitAsync(CancellationToken ct)
    {
        if (CurrentUser is not { } user) return Challenge();
        if (await gateway.ResubmitAsync(Id, user, ct) is not { } outcome) return NotFound();
        if (outcome.Refusal is { } refusal)
        {
            Flash = $"Resubmission refused: {refusal.Text}";
            return Redirect($"/jobs/{Id}");
        }
        Flash = $"Job {Id} resubmitted as {outcome.Jobs[0].Id}.";
        return Redirect($"/jobs/{outcome.Jobs[0].Id}");
    }

    private async Task<IReadOnlyList<ActionTiming>> ActionsAsync(CancellationToken ct) =>
        ActionTiming.From(await results.ListCasesAsync(Id, "lava", MaxActions, cancellationToken: ct));
}
