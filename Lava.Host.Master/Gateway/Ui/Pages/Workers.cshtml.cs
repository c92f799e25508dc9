using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/workers</c>: each worker, Online or Offline, its health and its devices.</summary>
internal sealed class WorkersModel(IWorkerRegistry workers, IDeviceRegistry devices) : UiPage
{
    public IReadOnlyList<Worker> Workers { get; private set; } = [];

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Workers = await workers.ListAsync(ct);
        Devices = await devices.ListDevicesAsync(ct);
    }
}
