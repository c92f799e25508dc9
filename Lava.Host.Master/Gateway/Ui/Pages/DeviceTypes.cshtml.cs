using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/device-types</c>: each type with its devices by state and health, its queued jobs and its health-check rule.</summary>
internal sealed class DeviceTypesModel(IDeviceRegistry registry, IJobReadModel jobs) : UiPage
{
    public IReadOnlyList<DeviceType> Types { get; private set; } = [];

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public Dictionary<string, long> Queued { get; } = new(StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Types = await registry.ListDeviceTypesAsync(ct);
        Devices = await registry.ListDevicesAsync(ct);
        foreach (var type in Types)
        {
            Queued[type.Name] = (await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Submitted, DeviceType: type.Name, Limit: 0), ct)).Count;
        }
    }
}
