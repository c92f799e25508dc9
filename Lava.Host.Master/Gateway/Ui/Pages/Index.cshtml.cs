using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/</c>: the lab at a glance: job counts, devices by type with state and health (live), workers.</summary>
internal sealed class IndexModel(IJobReadModel jobs, IDeviceRegistry devices, IWorkerRegistry workers) : UiPage
{
    public long Running { get; private set; }

    public long Queued { get; private set; }

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public IReadOnlyList<Worker> Workers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Running = (await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Running, Limit: 0), ct)).Count;
        Queued = (await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Submitted, Limit: 0), ct)).Count;
        Devices = await devices.ListDevicesAsync(ct);
        Workers = await workers.ListAsync(ct);
    }
}
