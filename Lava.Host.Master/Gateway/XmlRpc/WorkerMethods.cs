using Akka.Actor;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// <c>scheduler.workers.*</c> with LAVA 2023.01's arguments (lavacli's <c>workers</c> verbs). A worker added here is
/// registered with a certificate whose key XML-RPC cannot hand out: <c>./lava workers token NAME</c> issues the
/// credentials file it starts with.
/// </summary>
internal static class WorkerMethods
{
    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("scheduler.workers.list", XmlRpcAccess.Anonymous, "()", "The hostnames of every worker, retired ones included.", async call =>
        {
            call.Params.AtMost(0, "scheduler.workers.list");
            return (await call.Service<IWorkerRegistry>().ListAsync(call.Cancellation)).Select(w => w.Hostname).ToList();
        });
        methods.Add("scheduler.workers.show", XmlRpcAccess.Anonymous, "(hostname)", "The details of a worker.", ShowAsync);
        methods.Add("scheduler.workers.add", XmlRpcAccess.Superuser, "(hostname, description=None, disabled=False)",
            "Registers a worker (Retired when disabled). Its credentials file comes from `./lava workers token HOSTNAME` on the master.", AddAsync);
        methods.Add("scheduler.workers.update", XmlRpcAccess.Superuser, "(hostname, description=None, health=None, job_limit=None)",
            "Changes the description and/or health (ACTIVE, MAINTENANCE or RETIRED) of a worker.", UpdateAsync);
    }

    private static async Task<object?> ShowAsync(XmlRpcCall call)
    {
        var hostname = call.Params.AtMost(1, "scheduler.workers.show").String(0, "hostname");
        var worker = await call.Service<IWorkerRegistry>().FindAsync(hostname, call.Cancellation) ?? throw XmlRpcFault.NotFound($"Worker '{hostname}' was not found.");
        var devices = await call.Service<IDeviceRegistry>().ListDevicesAsync(call.Cancellation);
        return new Dictionary<string, object?>
        {
            ["hostname"] = worker.Hostname,
            ["description"] = worker.Description,
            ["state"] = worker.State.ToString(),
            ["health"] = worker.Health.ToString(),
            ["devices"] = devices.Where(d => d.Worker == worker.Hostname).Select(d => d.Hostname).ToList(),
            ["last_ping"] = worker.LastPing,
            ["job_limit"] = worker.JobLimit,
            ["version"] = null,
            ["default_config"] = true,
            ["default_env"] = true,
            ["default_env_dut"] = true,
        };
    }

    private static async Task<object?> AddAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(3, "scheduler.workers.add");
        var (hostname, description, disabled) = (p.String(0, "hostname"), p.OptionalString(1, "description"), p.Bool(2, "disabled", fallback: false));
        if (WorkerNames.Validate(hostname) is { } invalid)
        {
            throw XmlRpcFault.BadRequest($"hostname: {invalid}");
        }

        var issued = await call.Service<WorkerAdministration>().TryCreateAsync(hostname, description ?? "", disabled ? WorkerHealth.Retired : WorkerHealth.Active, call.Cancellation)
            ?? throw XmlRpcFault.BadRequest($"Worker '{hostname}' already exists");
        LogMessages.WorkerChanged(call.Service<ILogger<WorkerAdministration>>(), call.Caller, "added", issued.Worker.Hostname);
        return null;
    }

    private static async Task<object?> UpdateAsync(XmlRpcCall call)
    {
        var p = call.Params.AtMost(4, "scheduler.workers.update");
        var (hostname, description, healthText) = (p.String(0, "hostname"), p.OptionalString(1, "description"), p.OptionalString(2, "health"));
        if (p.OptionalInt(3, "job_limit") is { } limit)
        {
            throw XmlRpcFault.BadRequest($"job_limit: setting it ({limit}) is not supported; Lava schedules without a job limit");
        }

        WorkerHealth? health = null;
        if (healthText is not null && (health = WorkerNames.ParseHealth(healthText)) is null)
        {
            throw XmlRpcFault.BadRequest($"Invalid health: {healthText}");
        }

        _ = await call.Service<WorkerAdministration>().UpdateAsync(hostname, description, health, call.Cancellation)
            ?? throw XmlRpcFault.NotFound($"Worker '{hostname}' was not found.");
        LogMessages.WorkerChanged(call.Service<ILogger<WorkerAdministration>>(), call.Caller, "updated", hostname);
        if (call.Services.GetRequiredService<Akka.Hosting.ActorRegistry>().TryGet<Lava.Actors.Jobs.Scheduling.SchedulerProxy>(out var scheduler))
        {
            scheduler.Tell(new Lava.Actors.Jobs.Scheduling.WorkerChanged(hostname));
        }

        return null;
    }
}
