using Akka.Actor;
using Akka.Configuration;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;

namespace Lava.Host.Master.Admin;

/// <summary>
/// <c>Lava.Host.Master rebuild-projections</c>: with the master stopped, rebuilds the job read models from the journal
/// in a minimal actor system (serialization and persistence only: no cluster, no gateway).
/// </summary>
internal static class ProjectionRebuild
{
    public const string Verb = "rebuild-projections";

    public static async Task<int> RunAsync(MasterOptions options)
    {
        // Migrates first, so a store older than the read models gets their tables.
        await LabStore.OpenAsync(options.Database);
        var persistence = MasterHost.PersistenceOptions(options.Database);
        LavaPersistence.PrepareStore(persistence);
        var config = ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\n" + LavaPersistence.Hocon(persistence));
        var system = ActorSystem.Create("lava-rebuild", config);
        try
        {
            var events = await JobProjections.RebuildAsync(system, options.Database);
            Console.WriteLine($"rebuilt the job read models from {events} journal events");
            return 0;
        }
        finally
        {
            await system.Terminate();
        }
    }
}
