using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Lab;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/devices/NAME</c>: the device (state and health live), its current job, its health checks (the health history),
/// its recent jobs and its dictionary; superusers set its health (Good, Unknown for a health check, Maintenance, Retired).
/// </summary>
internal sealed class DeviceModel(LabService lab, IJobReadModel jobs) : UiPage
{
    [BindProperty(SupportsGet = true)]
    public string Hostname { get; set; } = "";

    public Device? Device { get; private set; }

    public JobRow? CurrentJob { get; private set; }

    public IReadOnlyList<JobRow> HealthChecks { get; private set; } = [];

    public IReadOnlyList<JobRow> RecentJobs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Device = await lab.Registry.FindDeviceAsync(Hostname, ct);
        if (Device is null) return NotFound();
        HealthChecks = (await jobs.ListAsync(new JobQuery(Viewer, Device: Hostname, Limit: 10, HealthCheck: true), ct)).Rows;
        RecentJobs = (await jobs.ListAsync(new JobQuery(Viewer, Device: Hostname, Limit: 10), ct)).Rows;
        CurrentJob = RecentJobs.FirstOrDefault(j => j.State is JobState.Scheduled or JobState.Running or JobState.Canceling);
        return Page();
    }

    public async Task<IActionResult> OnPostHealthAsync(string health, CancellationToken ct)
    {
        if (CurrentUser is not { IsSuperuser: true } user) return StatusCode(StatusCodes.Status403Forbidden);
        try
        {
            await lab.UpdateDeviceAsync(user.Username, Hostname, new DeviceChange(), health, ct);
            Flash = $"{Hostname} is now {health}.";
        }
        catch (LabRequestException e)
        {
            Flash = e.Message;
        }
        return Redirect($"/devices/{Hostname}");
    }
}
