using Lava.Kernel.Configuration;

namespace Lava.Kernel.Persistence;

/// <summary>
/// The journal and snapshot store that the persistent actors of one system use, with the recovery
/// limits of <c>akka.persistence</c>. Install it once per system, before creating persistent actors.
/// </summary>
public sealed class PersistenceExtension
{
    private PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, PersistenceSettings settings)
    {
        Journal = journal;
        SnapshotStore = snapshotStore;
        Settings = settings;
        RecoveryPermits = new SemaphoreSlim(settings.MaxConcurrentRecoveries, settings.MaxConcurrentRecoveries);
    }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public PersistenceSettings Settings { get; }

    /// <summary>Bounds how many actors replay at once (<c>max-concurrent-recoveries</c>).</summary>
    internal SemaphoreSlim RecoveryPermits { get; }

    /// <summary>Installs persistence on <paramref name="system"/>.</summary>
    public static PersistenceExtension Install(ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.RegisterExtension(new PersistenceExtension(journal, snapshotStore, settings ?? new PersistenceSettings()));
    }

    /// <summary>
    /// Installs persistence as configured under <c>akka.persistence</c>: the journal plugin named by
    /// <c>journal.plugin</c> (<c>akka.persistence.journal.sqlite</c> or <c>.postgresql</c>) and the
    /// snapshot store named by <c>snapshot-store.plugin</c>, each with its connection string.
    /// </summary>
    public static PersistenceExtension Install(ActorSystem system, Config config, EventRegistry registry)
    {
        var persistence = config.GetConfig("akka.persistence");
        var journal = PersistenceProviders.CreateJournal(
            PluginKind(persistence, "journal"), StorageSettings(config, persistence.GetString("journal.plugin")), registry, system.LoggerFactory);
        var snapshots = PersistenceProviders.CreateSnapshotStore(
            PluginKind(persistence, "snapshot-store"), StorageSettings(config, persistence.GetString("snapshot-store.plugin")), registry, system.LoggerFactory);
        return Install(system, journal, snapshots, PersistenceSettings.From(persistence));
    }

    /// <summary>The installed persistence of <paramref name="system"/>; fails clearly when none was installed.</summary>
    public static PersistenceExtension Get(ActorSystem system) =>
        system.GetExtension<PersistenceExtension>()
        ?? throw new InvalidOperationException($"persistence is not installed on {system}: call PersistenceExtension.Install first");

    private static string PluginKind(Config persistence, string section)
    {
        var plugin = persistence.GetString($"{section}.plugin");
        var kind = plugin[(plugin.LastIndexOf('.') + 1)..];
        if (kind is not (PersistenceProviders.Sqlite or PersistenceProviders.PostgreSql))
            throw new ConfigException($"akka.persistence.{section}.plugin: unknown plugin '{plugin}'; use akka.persistence.{section}.sqlite or .postgresql");
        return kind;
    }

    private static PersistenceStorageSettings StorageSettings(Config root, string pluginPath)
    {
        var plugin = root.GetConfig(pluginPath);
        var defaults = new PersistenceStorageSettings(plugin.GetString("connection-string"));
        var settings = defaults with
        {
            SchemaName = plugin.GetString("schema-name", defaults.SchemaName),
            AutoInitialize = plugin.GetBoolean("auto-initialize", defaults.AutoInitialize),
            MaxBatchSize = plugin.GetInt("max-batch-size", defaults.MaxBatchSize),
        };
        if (plugin.HasPath("table-name"))
        {
            settings = pluginPath.Contains("snapshot", StringComparison.Ordinal)
                ? settings with { SnapshotTableName = plugin.GetString("table-name") }
                : settings with { JournalTableName = plugin.GetString("table-name") };
        }
        return plugin.HasPath("metadata-table-name") ? settings with { MetadataTableName = plugin.GetString("metadata-table-name") } : settings;
    }
}

/// <summary>Recovery limits, as <c>akka.persistence</c>.</summary>
public sealed record PersistenceSettings
{
    /// <summary><c>max-concurrent-recoveries</c>: actors replaying at once; 50.</summary>
    public int MaxConcurrentRecoveries { get; init; } = 50;

    /// <summary><c>journal-plugin-fallback.recovery-event-timeout</c>: the longest wait between two replayed events; 30 s.</summary>
    public TimeSpan RecoveryEventTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal static PersistenceSettings From(Config persistence)
    {
        var defaults = new PersistenceSettings();
        return new()
        {
            MaxConcurrentRecoveries = persistence.GetInt("max-concurrent-recoveries", defaults.MaxConcurrentRecoveries),
            RecoveryEventTimeout = persistence.GetTimeSpan("journal-plugin-fallback.recovery-event-timeout", defaults.RecoveryEventTimeout),
        };
    }
}
