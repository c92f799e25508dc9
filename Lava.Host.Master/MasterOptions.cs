using Akka.Configuration;
using Lava.Actors.Configuration;
using Lava.Actors.Lab.Store;
using Serilog.Events;

namespace Lava.Host.Master;

/// <summary>
/// Everything the master needs to start, from the command line, the environment and HOCON (hocon/reference.conf
/// documents each key; master.conf holds the master's own defaults). Paths are absolute.
/// </summary>
internal sealed record MasterOptions(
    string DataDir,
    string HttpEndpoint,
    string ClusterEndpoint,
    IReadOnlyList<string> SeedNodes,
    TimeSpan IdentityTimeout,
    LogEventLevel LogLevel,
    LabDatabase Database,
    TimeSpan RequestTimeout,
    Config Config)
{
    public const string DataDirVariable = "LAVA_DATA_DIR";
    private const string DefaultsResource = "Lava.Host.Master.master.conf";

    public string AdminTokenPath => Path.Combine(DataDir, "admin.token");

    public string LogDirectory => Path.Combine(DataDir, "logs");

    /// <summary>The seed masters split into host and port.</summary>
    public IEnumerable<(string Host, int Port)> SeedHostPorts => SeedNodes.Select(SplitEndpoint);

    /// <summary>The cluster endpoint split into host and port.</summary>
    public (string Host, int Port) ClusterHostPort => SplitEndpoint(ClusterEndpoint);

    /// <summary>Options for a master with its defaults under <paramref name="dataDir"/>, as tests and tools want them.</summary>
    public static MasterOptions ForDataDir(string dataDir, string httpEndpoint = "127.0.0.1:0", string clusterEndpoint = "127.0.0.1:0") =>
        FromConfig(LavaConfig.Load(null, Defaults()), dataDir, environmentDataDir: null) with { HttpEndpoint = httpEndpoint, ClusterEndpoint = clusterEndpoint };

    /// <summary>
    /// Parses <c>--config FILE</c>, <c>--http HOST:PORT</c>, <c>--cluster HOST:PORT</c> and <c>--data-dir DIR</c>.
    /// The data directory comes from --data-dir, else $LAVA_DATA_DIR, else <c>lava.data-dir</c>.
    /// </summary>
    /// <exception cref="MasterUsageException">An unknown option, a missing value or a bad endpoint, level or key.</exception>
    /// <exception cref="LavaConfigException">The configuration file is missing or invalid.</exception>
    public static MasterOptions Parse(IReadOnlyList<string> args, string? environmentDataDir)
    {
        string? configPath = null, http = null, cluster = null, dataDir = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new MasterUsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--config": configPath = value; break;
                case "--http": http = RequireEndpoint("--http", value); break;
                case "--cluster": cluster = RequireEndpoint("--cluster", value); break;
                case "--data-dir": dataDir = value; break;
                default: throw new MasterUsageException($"unknown option '{args[i]}'");
            }

            i++;
        }

        var options = FromConfig(LavaConfig.Load(configPath, Defaults()), dataDir, environmentDataDir);
        return options with { HttpEndpoint = http ?? options.HttpEndpoint, ClusterEndpoint = cluster ?? options.ClusterEndpoint };
    }

    private static Config Defaults()
    {
        using var stream = typeof(MasterOptions).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"the resource {DefaultsResource} is missing");
        using var reader = new StreamReader(stream);
        return LavaConfig.Parse(reader.ReadToEnd(), "master.conf");
    }

    private static MasterOptions FromConfig(Config config, string? dataDir, string? environmentDataDir)
    {
        var dir = Path.GetFullPath(dataDir ?? (string.IsNullOrEmpty(environmentDataDir) ? config.GetString("lava.data-dir") : environmentDataDir));
        var level = config.GetString("lava.log.level");
        var provider = config.GetString("lava.database.provider");
        var connectionString = config.GetString("lava.database.connection-string", "");
        var database = provider switch
        {
            "sqlite" => LabDatabase.Sqlite(Path.Combine(dir, "lava.db")),
            "postgresql" when connectionString.Length > 0 => LabDatabase.PostgreSql(connectionString),
            "postgresql" => throw new MasterUsageException("lava.database.connection-string: required when lava.database.provider = \"postgresql\""),
            _ => throw new MasterUsageException($"lava.database.provider: '{provider}' is not \"sqlite\" or \"postgresql\""),
        };
        var seeds = config.GetStringList("lava.cluster.seed-nodes").Select(s => RequireEndpoint("lava.cluster.seed-nodes", s)).ToList();
        return new MasterOptions(
            dir,
            RequireEndpoint("lava.http.endpoint", config.GetString("lava.http.endpoint")),
            RequireEndpoint("lava.cluster.endpoint", config.GetString("lava.cluster.endpoint")),
            seeds,
            config.GetTimeSpan("lava.cluster.identity-timeout"),
            Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new MasterUsageException($"lava.log.level: '{level}' is not one of verbose, debug, information, warning, error, fatal"),
            database,
            config.GetTimeSpan("lava.http.request-timeout"),
            config);
    }

    private static string RequireEndpoint(string name, string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(endpoint.AsSpan(colon + 1), out _)
            ? endpoint
            : throw new MasterUsageException($"{name}: '{endpoint}' is not HOST:PORT");
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return (endpoint[..colon].Trim('[', ']'), int.Parse(endpoint.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The command line or configuration asks for something impossible; the master exits 2.</summary>
internal sealed class MasterUsageException(string message) : Exception(message);
