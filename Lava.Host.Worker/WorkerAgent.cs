using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Lab;

namespace Lava.Host.Worker;

/// <summary>
/// <c>/user/worker</c>: the worker's agent, the actor the master's <c>WorkerActor</c> watches and job supervisors talk to.
/// It answers <see cref="GetWorkerStatus"/> and hands the device job protocol (<see cref="DeviceJobProtocol"/>) to its
/// devices child, keeping the supervisor as the sender. A worker without devices answers that it runs no job.
/// </summary>
internal sealed class WorkerAgent : ReceiveActor
{
    /// <summary>The agent's name under /user.</summary>
    public const string Name = "worker";

    private const string DevicesName = "devices";

    public WorkerAgent(string workerName, string version, DateTimeOffset startedAt, Props? devices)
    {
        var children = devices is null ? null : Context.ActorOf(devices, DevicesName);
        Receive<GetWorkerStatus>(_ => Sender.Tell(new WorkerStatus(workerName, version, startedAt, Context.GetChildren().Count())));
        Receive<RunJob>(m => Hand(children, m, () => new JobRunReport(m.JobId, m.Device, workerName, Running: false, Ended: false)));
        Receive<QueryJob>(m => Hand(children, m, () => new JobRunReport(m.JobId, m.Device, workerName, Running: false, Ended: false)));
        Receive<StopJob>(m => Hand(children, m, () => new JobRunEnded(m.JobId, m.Device, "fail", "Canceled", "", 0, 0)));
        Receive<JobProgressAck>(m => children?.Forward(m));
        Receive<JobRunEndAck>(m => children?.Forward(m));
    }

    /// <summary>The props of the agent of <paramref name="workerName"/>, with its devices (null: none).</summary>
    public static Props Props(string workerName, string version, DateTimeOffset startedAt, Props? devices = null) =>
        Akka.Actor.Props.Create(() => new WorkerAgent(workerName, version, startedAt, devices));

    private void Hand(IActorRef? devices, object message, Func<object> withoutDevices)
    {
        if (devices is null)
        {
            Sender.Tell(withoutDevices());
        }
        else
        {
            devices.Forward(message);
        }
    }
}
