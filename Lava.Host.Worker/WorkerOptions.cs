using Lava.Kernel.Configuration;
using Serilog.Events;

namespace Lava.Host.Worker;

/// <summary>
/// Everything the worker needs to start, from the command line, the environment, the HOCON file given with
/// <c>--config</c> (falling back to reference.conf, which documents each <c>lava.worker</c> key) and the token file.
/// The command line beats the configuration.
/// </summary>
internal sealed record WorkerOptions(
    string Name,
    string MasterHost,
    int MasterPort,
    string Token,
    string Fingerprint,
    string DataDir,
    LogEventLevel LogLevel,
    Config Config)
{
    public const string DataDirVariable = "LAVA_DATA_DIR";

    public string LogDirectory => Path.Combine(DataDir, "logs");

    /// <summary>
    /// Parses <c>--config FILE</c>, <c>--name NAME</c>, <c>--master HOST:PORT</c>, <c>--token-file F</c> and
    /// <c>--data-dir DIR</c>. Name, master and token file may come from <c>lava.worker.*</c> instead. The data directory
    /// is --data-dir, else $LAVA_DATA_DIR, else <c>lava.data-dir</c>, else <c>.lava/worker-NAME</c>.
    /// </summary>
    /// <exception cref="WorkerUsageException">An unknown option, a missing value, argument or token file field.</exception>
    /// <exception cref="ConfigException">The configuration file is missing or invalid.</exception>
    public static WorkerOptions Parse(IReadOnlyList<string> args, string? environmentDataDir)
    {
        string? configPath = null, name = null, master = null, tokenFile = null, dataDir = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new WorkerUsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--config": configPath = value; break;
                case "--name": name = value; break;
                case "--master": master = value; break;
                case "--token-file": tokenFile = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new WorkerUsageException($"unknown option '{args[i]}'");
            }
            i++;
        }

        var config = configPath is null ? ConfigFactory.Load(ConfigFactory.ParseString("")) : ConfigFactory.Load(configPath);
        var from = configPath is null ? "" : $" in {configPath}";
        name = Required(name, config, "lava.worker.name", "--name", from);
        master = Required(master, config, "lava.worker.master", "--master", from);
        tokenFile = Required(tokenFile, config, "lava.worker.token-file", "--token-file", from);
        var (host, port) = SplitEndpoint(master);
        var credentials = WorkerTokenFile.Read(tokenFile);
        if (credentials.Name != name)
            throw new WorkerUsageException($"token file {tokenFile} is for worker '{credentials.Name}', not '{name}'");

        var configured = config.GetString("lava.data-dir", "");
        var dir = dataDir
            ?? (string.IsNullOrEmpty(environmentDataDir) ? null : environmentDataDir)
            ?? (configured.Length > 0 ? configured : Path.Combine(".lava", $"worker-{name}"));
        var level = config.GetString("lava.log.level", "information");
        return new WorkerOptions(
            name,
            host,
            port,
            credentials.Token,
            credentials.Fingerprint,
            Path.GetFullPath(dir),
            Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new WorkerUsageException($"lava.log.level{from}: '{level}' is not one of verbose, debug, information, warning, error, fatal"),
            config);
    }

    private static string Required(string? argument, Config config, string key, string option, string from)
    {
        if (!string.IsNullOrEmpty(argument)) return argument;
        var configured = config.GetString(key, "");
        return configured.Length > 0 ? configured : throw new WorkerUsageException($"missing {option} (or {key}{from})");
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(endpoint.AsSpan(colon + 1), out var port) && port > 0
            ? (endpoint[..colon].Trim('[', ']'), port)
            : throw new WorkerUsageException($"--master: '{endpoint}' is not HOST:PORT");
    }
}

/// <summary>The command line, configuration or token file asks for something impossible; the worker exits 2.</summary>
internal sealed class WorkerUsageException(string message) : Exception(message);
