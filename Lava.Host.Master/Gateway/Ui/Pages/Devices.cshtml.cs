using Lava.Actors.Lab;
using Microsoft.AspNetCore.Mvc;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary><c>/devices</c>: every device (or those of <c>?type=</c>) with its state and health, kept live.</summary>
internal sealed class DevicesModel(IDeviceRegistry registry) : UiPage
{
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Devices = [.. (await registry.ListDevicesAsync(ct)).Where(d => string.IsNullOrEmpty(Type) || d.DeviceType == Type)];
}
