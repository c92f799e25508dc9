using System.Globalization;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/</c>: the lab at a glance: job, worker and device counts, devices by type with state and health (live), workers.
/// <c>?handler=Counts</c> answers the counts alone as JSON (<see cref="Counts"/>' keys), which the page fetches again
/// when a job or device changes.
/// </summary>
internal sealed class IndexModel(IJobReadModel jobs, IDeviceRegistry devices, IWorkerRegistry workers) : UiPage
{
    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public IReadOnlyList<Worker> Workers { get; private set; } = [];

    /// <summary>
    /// <c>running</c> and <c>queued</c> jobs the viewer may see, <c>workers-Online</c>/<c>workers-Offline</c>, and the
    /// devices by <c>state-NAME</c> and <c>health-NAME</c> (every name, zero included, retired devices left out).
    /// </summary>
    public IReadOnlyDictionary<string, long> Counts { get; private set; } = new Dictionary<string, long>();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnGetCountsAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return new JsonResult(Counts);
    }

    /// <summary>The count under <paramref name="key"/> as the page shows it.</summary>
    public string Count(string key) => Counts.GetValueOrDefault(key).ToString(CultureInfo.InvariantCulture);

    private async Task LoadAsync(CancellationToken ct)
    {
        Devices = await devices.ListDevicesAsync(ct);
        Workers = await workers.ListAsync(ct);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["running"] = (await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Running, Limit: 0), ct)).Count,
            ["queued"] = (await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Submitted, Limit: 0), ct)).Count,
            ["workers-Online"] = Workers.Count(w => w.State == WorkerState.Online),
            ["workers-Offline"] = Workers.Count(w => w.State == WorkerState.Offline),
        };
        var inService = Devices.Where(d => d.Health != DeviceHealth.Retired).ToList();
        foreach (var state in Enum.GetValues<DeviceState>()) counts[$"state-{state}"] = inService.Count(d => d.State == state);
        foreach (var health in Enum.GetValues<DeviceHealth>().Where(h => h != DeviceHealth.Retired)) counts[$"health-{health}"] = inService.Count(d => d.Health == health);
        Counts = counts;
    }
}
