using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.PostgreSql;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>A running actor system whose PostgreSQL server goes away and comes back.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlRestartUnderSystemSpec : TestKit.TestKit, IClassFixture<PostgresSchemaFixture>
{
    public PostgreSqlRestartUnderSystemSpec(PostgresSchemaFixture schema) : base(realTime: true)
    {
        var registry = TestEvents.Registry().Register<PersistentActorSpec.Note>("note.v1");
        PersistenceExtension.Install(Sys, new PostgreSqlJournal(schema.Settings, registry), new PostgreSqlSnapshotStore(schema.Settings, registry));
    }

    private IActorRef Notebook(string id) => Sys.ActorOf(Props.Create(() => new PersistentActorSpec.Notebook(id, TestActor.Ref)));

    [PostgresFact(NeedsServerControl = true)]
    public async Task A_persistent_actor_must_stop_on_a_failed_write_while_the_server_is_down_and_a_new_one_must_carry_on_after()
    {
        var server = PostgresTestEnvironment.RequireServerControl();
        var id = $"restart-{Guid.NewGuid():N}";
        var notebook = Notebook(id);
        await ExpectMsgAsync("recovered:0:0", TimeSpan.FromSeconds(10));
        Tell(notebook, new PersistentActorSpec.Add("before"));
        await ExpectMsgAsync("added:before:1", TimeSpan.FromSeconds(10));

        await server.StopAsync();
        try
        {
            Watch(notebook);
            Tell(notebook, new PersistentActorSpec.Add("while down"));
            var failure = await ExpectMsgAsync<PersistenceStoreUnavailableException>(timeout: TimeSpan.FromSeconds(30));
            Assert.Contains("PostgreSQL", failure.Message, StringComparison.Ordinal);
            await ExpectTerminatedAsync(notebook);
        }
        finally
        {
            await server.StartAsync();
        }

        var again = Notebook(id);
        await ExpectMsgAsync("recovered:1:1", TimeSpan.FromSeconds(30));
        Tell(again, new PersistentActorSpec.Add("after"));
        await ExpectMsgAsync("added:after:2", TimeSpan.FromSeconds(10));
        var other = Notebook($"other-{Guid.NewGuid():N}");
        await ExpectMsgAsync("recovered:0:0", TimeSpan.FromSeconds(10));
        Tell(other, new PersistentActorSpec.Add("fresh"));
        await ExpectMsgAsync("added:fresh:1", TimeSpan.FromSeconds(10));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PersistenceExtension.Get(Sys).Journal.DisposeAsync();
        await PersistenceExtension.Get(Sys).SnapshotStore.DisposeAsync();
    }
}
