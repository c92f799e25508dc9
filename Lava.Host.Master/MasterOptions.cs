using Lava.Kernel.Configuration;
using Serilog.Events;

namespace Lava.Host.Master;

/// <summary>
/// Everything the master needs to start, from the command line, the environment and HOCON (hocon/reference.conf
/// documents each key). Paths are absolute.
/// </summary>
internal sealed record MasterOptions(
    string DataDir,
    string HttpEndpoint,
    string ClusterEndpoint,
    string? CertificatePath,
    string CertificatePassword,
    LogEventLevel LogLevel)
{
    public const string DataDirVariable = "LAVA_DATA_DIR";
    private const string DefaultsResource = "Lava.Host.Master.master.conf";

    public string DatabasePath => Path.Combine(DataDir, "lava.db");

    public string AdminTokenPath => Path.Combine(DataDir, "admin.token");

    public string LogDirectory => Path.Combine(DataDir, "logs");

    /// <summary>The whole resolved configuration (master.conf and reference.conf beneath the file given), for the actor system.</summary>
    public Config Config { get; init; } = Defaults();

    /// <summary>Options for a master with its defaults under <paramref name="dataDir"/>, as tests and tools want them.</summary>
    public static MasterOptions ForDataDir(string dataDir, string httpEndpoint = "127.0.0.1:0", string clusterEndpoint = "127.0.0.1:0") =>
        FromConfig(Defaults(), dataDir, environmentDataDir: null) with { HttpEndpoint = httpEndpoint, ClusterEndpoint = clusterEndpoint };

    /// <summary>
    /// Parses <c>--config FILE</c>, <c>--http HOST:PORT</c>, <c>--cluster HOST:PORT</c> and <c>--data-dir DIR</c>.
    /// The data directory comes from --data-dir, else $LAVA_DATA_DIR, else <c>lava.data-dir</c>.
    /// </summary>
    /// <exception cref="MasterUsageException">An unknown option, a missing value or a bad endpoint or level.</exception>
    /// <exception cref="ConfigException">The configuration file is missing or invalid.</exception>
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

        var config = configPath is null ? Defaults() : ConfigFactory.ParseFile(configPath).WithFallback(Defaults()).Resolve();
        var options = FromConfig(config, dataDir, environmentDataDir);
        return options with { HttpEndpoint = http ?? options.HttpEndpoint, ClusterEndpoint = cluster ?? options.ClusterEndpoint };
    }

    private static Config Defaults() =>
        ConfigFactory.Load(ConfigFactory.ParseResource(typeof(MasterOptions).Assembly, DefaultsResource));

    private static MasterOptions FromConfig(Config config, string? dataDir, string? environmentDataDir)
    {
        var dir = Path.GetFullPath(dataDir ?? (string.IsNullOrEmpty(environmentDataDir) ? config.GetString("lava.data-dir") : environmentDataDir));
        var certificate = config.GetString("lava.cluster.certificate-path", "");
        var level = config.GetString("lava.log.level");
        return new MasterOptions(
            dir,
            RequireEndpoint("lava.http.endpoint", config.GetString("lava.http.endpoint")),
            RequireEndpoint("lava.cluster.endpoint", config.GetString("lava.cluster.endpoint")),
            certificate.Length == 0 ? null : Path.GetFullPath(certificate),
            config.GetString("lava.cluster.certificate-password", ""),
            Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new MasterUsageException($"lava.log.level: '{level}' is not one of verbose, debug, information, warning, error, fatal"))
        {
            Config = config,
        };
    }

    private static string RequireEndpoint(string name, string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(endpoint.AsSpan(colon + 1), out _)
            ? endpoint
            : throw new MasterUsageException($"{name}: '{endpoint}' is not HOST:PORT");
    }
}

/// <summary>The command line or configuration asks for something impossible; the master exits 2.</summary>
internal sealed class MasterUsageException(string message) : Exception(message);
