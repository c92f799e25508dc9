using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/jobs/N</c>: one job (state kept live), its log viewer, its definition, and cancel or resubmit for those the
/// API allows them (the submitter or a superuser cancels; any signed-in user resubmits).
/// </summary>
internal sealed class JobModel(JobGateway gateway) : UiPage
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public JobRow? Job { get; private set; }

    public bool CanCancel => Job is { State: < JobState.Canceling } job && CurrentUser is { } user && (user.IsSuperuser || user.Username == job.Submitter);

    public bool CanResubmit => Job is not null && CurrentUser is not null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Job = await gateway.FindAsync(Id, Viewer, ct);
        return Job is null ? NotFound() : Page();
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
}
