using Lava.Actors.Jobs.Logs;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Devices;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>What every job supervisor of a master shares.</summary>
/// <param name="Logs">Where the jobs' log lines are stored.</param>
/// <param name="Results">Where the jobs' test cases are stored.</param>
/// <param name="Devices">The lab's devices: their dictionaries are rendered for each job.</param>
/// <param name="DeviceTypes">The device-type templates the dictionaries extend.</param>
/// <param name="Agents">The workers' agents.</param>
/// <param name="Clock">The time written into the events.</param>
public sealed record JobSupervisorServices(
    JobLogStore Logs,
    IJobResultsSink Results,
    IDeviceRegistry Devices,
    DeviceTemplates DeviceTypes,
    IWorkerAgents Agents,
    TimeProvider Clock);
