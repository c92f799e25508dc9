using Lava.Actors.Configuration;
using Lava.Host.Master;

const string Usage = "usage: Lava.Host.Master [--config FILE] [--http HOST:PORT] [--cluster HOST:PORT] [--data-dir DIR]";

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Usage);
    return 0;
}

MasterOptions options;
try
{
    options = MasterOptions.Parse(args, Environment.GetEnvironmentVariable(MasterOptions.DataDirVariable));
}
catch (Exception e) when (e is MasterUsageException or LavaConfigException)
{
    Console.Error.WriteLine($"lava master: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    await using var app = await MasterHost.CreateAsync(options);
    // Returns after SIGTERM or Ctrl-C once the host has stopped cleanly, or when the actor system ended on its own
    // (this master was downed): then the exit code says so.
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (MasterUsageException e)
{
    Console.Error.WriteLine($"lava master: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Lava.Actors.Lab.Store.LabStoreUnavailableException)
{
    Console.Error.WriteLine($"lava master: {e.Message}");
    return 1;
}
