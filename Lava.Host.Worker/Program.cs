using System.Runtime.InteropServices;
using Lava.Host.Worker;
using Lava.Actors.Configuration;
using Serilog;
using Serilog.Extensions.Logging;

const string Usage = "usage: Lava.Host.Worker [--config FILE] [--name NAME] [--master HOST:PORT] [--token-file FILE] [--data-dir DIR]\n" +
    "       Lava.Host.Worker run-job JOB-DIRECTORY   (the worker starts this for each job)\n" +
    "       Lava.Host.Worker run-job --spare DIR     (a warm runner waiting for its job)";

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Usage);
    return 0;
}

// A job runner, started by the worker's device actor in a session of its own (or ahead of its job as a spare, which
// waits for the worker to hand it one): SIGTERM cancels the job.
if (args is ["run-job", _] or ["run-job", "--spare", _])
{
    using var cancel = new CancellationTokenSource();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        cancel.Cancel();
    });
    return args.Length == 3
        ? await Lava.Devices.Pipeline.SpareRunner.RunAsync(args[2], cancel.Token)
        : await Lava.Devices.Pipeline.JobRunner.RunAsync(args[1], cancel.Token);
}

WorkerOptions options;
try
{
    options = WorkerOptions.Parse(args, Environment.GetEnvironmentVariable(WorkerOptions.DataDirVariable));
}
catch (Exception e) when (e is WorkerUsageException or LavaConfigException)
{
    Console.Error.WriteLine($"lava worker: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    Directory.CreateDirectory(options.LogDirectory);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"lava worker: data directory {options.DataDir}: {e.Message}");
    return 1;
}

var serilog = new LoggerConfiguration()
    .MinimumLevel.Is(options.LogLevel)
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
    .WriteTo.File(
        Path.Combine(options.LogDirectory, "worker-.log"),
        rollingInterval: RollingInterval.Day,
        retainedFileCountLimit: 14,
        outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
    .CreateLogger();
using var loggerFactory = new SerilogLoggerFactory(serilog, dispose: true);

// SIGTERM (systemd, kill) and SIGINT (Ctrl-C) ask for a graceful leave; the process then exits 0.
using var stop = new CancellationTokenSource();
void RequestStop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);

var logger = loggerFactory.CreateLogger("Lava.Host.Worker");
try
{
    var exitCode = await new WorkerNode(options, loggerFactory).RunAsync(stop.Token);
    LogMessages.WorkerStopped(logger, options.Name);
    return exitCode;
}
catch (Exception e)
{
    LogMessages.WorkerFailed(logger, e, options.Name);
    return 1;
}
