using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Ui.Pages;

/// <summary>
/// <c>/queue</c>: the jobs waiting for a device, oldest first within the page, and what each waits for: no device of
/// its type, none in good health, or a free one.
/// </summary>
internal sealed class QueueModel(IJobReadModel jobs, IDeviceRegistry registry) : UiPage
{
    private IReadOnlyList<Device> _devices = [];

    public Page<JobRow> Rows { get; private set; } = new(0, []);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var page = await jobs.ListAsync(new JobQuery(Viewer, State: JobState.Submitted, Limit: 200), ct);
        Rows = page with { Rows = [.. page.Rows.OrderByDescending(j => j.Priority).ThenBy(j => j.Id)] };
        _devices = await registry.ListDevicesAsync(ct);
    }

    public string WaitsFor(JobRow job)
    {
        var candidates = _devices.Where(d => d.DeviceType == job.DeviceType).ToList();
        if (candidates.Count == 0) return $"no {job.DeviceType} device";
        var usable = candidates.Where(d => d.Health is DeviceHealth.Good or DeviceHealth.Unknown).ToList();
        if (usable.Count == 0) return $"a {job.DeviceType} device in good health";
        return usable.Any(d => d.State == DeviceState.Idle) ? "the scheduler (a device is free)" : $"a free {job.DeviceType} device ({string.Join(", ", usable.Select(d => d.Hostname))} busy)";
    }
}
