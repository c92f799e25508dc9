using Akka.Configuration;
using Lava.Actors.Configuration;
using Lava.Actors.Security;
using Serilog.Events;

namespace Lava.Host.Worker;

/// <summary>
/// Everything the worker needs to start, from the command line, the environment, the HOCON file given with
/// <c>--config</c> (falling back to reference.conf, which documents each <c>lava.worker</c> key) and the credentials
/// file. The command line beats the configuration, which beats the credentials file.
/// </summary>
internal sealed record WorkerOptions(
    string Name,
    string MasterHost,
    int MasterPort,
    WorkerCredentials Credentials,
    string Hostname,
    int Port,
    string DataDir,
    LogEventLevel LogLevel,
    Config Config)
{
    public const string DataDirVariable = "LAVA_DATA_DIR";

    public string LogDirectory => Path.Combine(DataDir, "logs");

    public TimeSpan ProbeSettle => Config.GetTimeSpan("lava.worker.admission-probe-settle");

    public TimeSpan DownedLinger => Config.GetTimeSpan("lava.worker.downed-linger");

    public TimeSpan RetryMinBackoff => Config.GetTimeSpan("lava.worker.retry-min-backoff");

    public TimeSpan RetryMaxBackoff => Config.GetTimeSpan("lava.worker.retry-max-backoff");

    /// <summary>True when the worker answers for its devices with simulated ones (<c>lava.worker.simulated-devices</c>).</summary>
    public bool SimulatedDevices => Config.GetBoolean("lava.worker.simulated-devices");

    /// <summary>The time between two log lines of a simulated job.</summary>
    public TimeSpan SimulatedStepDelay => Config.GetTimeSpan("lava.worker.simulated-step-delay");

    /// <summary>How long a job runner has after SIGTERM before it is SIGKILLed (<c>lava.worker.runner-stop-grace</c>).</summary>
    public TimeSpan RunnerStopGrace => Config.GetTimeSpan("lava.worker.runner-stop-grace");

    /// <summary>How many warm job runners wait for a job (<c>lava.worker.spare-runners</c>).</summary>
    public int SpareRunners => Config.GetInt("lava.worker.spare-runners");

    /// <summary>How long log lines that do not fill a chunk may wait for more before they go to the master (<c>lava.worker.log-linger</c>).</summary>
    public TimeSpan LogLinger => Config.GetTimeSpan("lava.worker.log-linger");

    /// <summary>How many job runners may start at once (<c>lava.worker.max-starting-runners</c>; 0: the machine's core count).</summary>
    public int MaxStartingRunners => Config.GetInt("lava.worker.max-starting-runners") is > 0 and var bound ? bound : Environment.ProcessorCount;

    /// <summary>How often unacknowledged job data is sent to the master again (<c>lava.worker.resend-interval</c>).</summary>
    public TimeSpan ResendInterval => Config.GetTimeSpan("lava.worker.resend-interval");

    /// <summary>
    /// HOST:PORT of the worker's file server for devices (<c>lava.worker.file-server</c>); null when it is off (empty).
    /// </summary>
    public (string Host, int Port)? FileServer =>
        Config.GetString("lava.worker.file-server", "") is { Length: > 0 } endpoint
            ? SplitEndpoint("lava.worker.file-server", endpoint)
            : null;

    /// <summary>
    /// The job runner's command (<c>lava.worker.runner-command</c>); when empty, this worker's own executable with
    /// <c>run-job</c> (<c>dotnet Lava.Host.Worker.dll run-job</c> when it runs under the dotnet host).
    /// </summary>
    public IReadOnlyList<string> RunnerCommand =>
        Config.GetStringList("lava.worker.runner-command") is { Count: > 0 } configured
            ? [.. configured]
            : [.. OwnCommand(Environment.ProcessPath, System.Reflection.Assembly.GetEntryAssembly()?.Location), "run-job"];

    /// <summary>How to start this executable again: itself, or the dotnet host with the entry assembly.</summary>
    internal static IReadOnlyList<string> OwnCommand(string? processPath, string? entryAssembly)
    {
        var path = processPath ?? throw new WorkerUsageException("cannot tell this executable's path: set lava.worker.runner-command");
        var host = Path.GetFileNameWithoutExtension(path);
        return host == "dotnet" && !string.IsNullOrEmpty(entryAssembly) ? [path, entryAssembly] : [path];
    }

    /// <summary>
    /// Parses <c>--config FILE</c>, <c>--name NAME</c>, <c>--master HOST:PORT</c>, <c>--token-file F</c> and
    /// <c>--data-dir DIR</c>. Name, master and credentials file may come from <c>lava.worker.*</c> instead; the master
    /// also from the credentials file. The data directory is --data-dir, else $LAVA_DATA_DIR, else <c>lava.data-dir</c>,
    /// else <c>.lava/worker-NAME</c>.
    /// </summary>
    /// <exception cref="WorkerUsageException">An unknown option, a missing value, argument or credentials file field.</exception>
    /// <exception cref="LavaConfigException">The configuration file is missing or invalid.</exception>
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

        var config = LavaConfig.Load(configPath);
        var from = configPath is null ? "" : $" in {configPath}";
        name = Required(name, config, "lava.worker.name", "--name", from);
        tokenFile = Required(tokenFile, config, "lava.worker.token-file", "--token-file", from);
        WorkerCredentials credentials;
        try
        {
            credentials = WorkerCredentials.Read(tokenFile);
        }
        catch (CredentialsFileException e)
        {
            throw new WorkerUsageException($"token file {e.Message}");
        }

        if (credentials.Name != name)
            throw new WorkerUsageException($"token file {tokenFile} is for worker '{credentials.Name}', not '{name}'");
        master = !string.IsNullOrEmpty(master) ? master
            : config.GetString("lava.worker.master", "") is { Length: > 0 } configured ? configured
            : credentials.MasterAddress;
        var (masterHost, masterPort) = SplitEndpoint("--master", master);
        var (hostname, port) = SplitEndpoint("lava.worker.endpoint" + from, config.GetString("lava.worker.endpoint"));

        var configuredDir = config.GetString("lava.data-dir", "");
        var dir = dataDir
            ?? (string.IsNullOrEmpty(environmentDataDir) ? null : environmentDataDir)
            ?? (configuredDir.Length > 0 ? configuredDir : Path.Combine(".lava", $"worker-{name}"));
        var level = config.GetString("lava.log.level", "information");
        return new WorkerOptions(
            name,
            masterHost,
            masterPort,
            credentials,
            hostname,
            port,
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

    private static (string Host, int Port) SplitEndpoint(string name, string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(endpoint.AsSpan(colon + 1), out var port)
            ? (endpoint[..colon].Trim('[', ']'), port)
            : throw new WorkerUsageException($"{name}: '{endpoint}' is not HOST:PORT");
    }
}

/// <summary>The command line, configuration or credentials file asks for something impossible; the worker exits 2.</summary>
internal sealed class WorkerUsageException(string message) : Exception(message);
