using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.TestKit;
using Lava.Actors.Cluster;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Devices;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>
/// The supervisors as the master hosts them (<see cref="JobSupervisorHosting.WithJobSupervisors"/>) on a one-node
/// cluster of role master: every command goes through the shard region, and a finished job's supervisor passivates and
/// answers again, replayed, when asked.
/// </summary>
public sealed class ShardedJobSupervisorSpec : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-sharded-").FullName;
    private readonly ProbeAgents _agents = new();
    private IHost? _host;
    private TestKitBase _kit = null!;

    public async Task InitializeAsync()
    {
        var types = Directory.CreateDirectory(Path.Combine(_dir, "device-types")).FullName;
        File.WriteAllText(Path.Combine(types, "board.jinja2"), SupervisedJobs.BoardTemplate);
        var devices = new LabDevices(_dir);
        devices.Add("dut1", SupervisedJobs.Dictionary);
        var services = new JobSupervisorServices(
            new JobLogStore(Path.Combine(_dir, "logs")), new RecordingResultsSink(), devices.Store,
            DeviceTemplates.ForLab(Path.Combine(_dir, "devices"), types), _agents, TimeProvider.System);
        var journal = new LavaPersistenceOptions(PersistenceProvider.Sqlite, $"Data Source={Path.Combine(_dir, "journal.db")}") { AutoInitialize = true };

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, _) => akka
            .WithRemoting("127.0.0.1", 0)
            .WithClustering(new ClusterOptions { Roles = [LavaRoles.Master] })
            .WithLavaSerialization()
            .WithLavaPersistence(journal)
            .WithJobSupervisors(new JobSupervisorSettings(), (_, _) => services)
            .WithActors((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress)));
        _host = builder.Build();
        await _host.StartAsync();
        _kit = new Akka.TestKit.Xunit2.TestKit(_host.Services.GetRequiredService<ActorSystem>());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_job_runs_through_the_region_and_its_passivated_supervisor_answers_again()
    {
        var registry = ActorRegistry.For(_kit.Sys);
        var (scheduler, agent, client) = (_kit.CreateTestProbe(), _kit.CreateTestProbe(), _kit.CreateTestProbe());
        registry.Register<SchedulerProxy>(scheduler.Ref);
        _agents.Agents["w1"] = agent.Ref;
        var region = await registry.GetAsync<JobSupervisorRegion>();
        var deadline = TimeSpan.FromSeconds(30);

        region.Tell(new SubmitJob(42, SupervisedJobs.Spec(42)), client.Ref);
        await client.ExpectMsgAsync(new JobAccepted(42), deadline);
        await scheduler.ExpectMsgAsync<JobQueued>(deadline);
        region.Tell(new AssignDevice(42, "dut1", "w1"), scheduler.Ref);
        await scheduler.ExpectMsgAsync(new AssignmentAccepted(42, "dut1"), deadline);
        await agent.ExpectMsgAsync<RunJob>(deadline);
        agent.Reply(new JobRunReport(42, "dut1", "w1", Running: true, Ended: false));
        agent.Reply(new JobLogChunk(42, 0, [LogLine.Format(LogRecord.Text(SupervisedJobs.Submitted, "info", "hello"))]));
        await agent.ExpectMsgAsync(new JobProgressAck(42, 1, 0), deadline);
        agent.Reply(new JobRunEnded(42, "dut1", "pass", "", "", 1, 0));
        await agent.ExpectMsgAsync(new JobRunEndAck(42), deadline);
        await scheduler.ExpectMsgAsync<DeviceReleased>(deadline);

        region.Tell(new GetJobStatus(42), client.Ref);
        var status = await client.ExpectMsgAsync<JobStatus>(deadline);
        Assert.Equal((JobState.Finished, JobHealth.Complete, 1L), (status.State, status.Health, status.LogLines));
        region.Tell(new GetJobStatus(43), client.Ref);
        await client.ExpectMsgAsync(new JobUnknown(43), deadline);
    }
}
