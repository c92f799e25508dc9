using Lava.Actors.Configuration;
using Lava.Host.Master;
using Lava.Host.Master.Admin;

const string Usage = "usage: Lava.Host.Master [--config FILE] [--http HOST:PORT] [--cluster HOST:PORT] [--data-dir DIR]\n" +
    "       Lava.Host.Master rebuild-projections [--config FILE] [--data-dir DIR]   (with the master stopped)";

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Usage);
    return 0;
}

var rebuild = args is [ProjectionRebuild.Verb, ..];
MasterOptions options;
try
{
    options = MasterOptions.Parse(rebuild ? args[1..] : args, Environment.GetEnvironmentVariable(MasterOptions.DataDirVariable));
}
catch (Exception e) when (e is MasterUsageException or LavaConfigException)
{
    Console.Error.WriteLine($"lava master: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    if (rebuild) return await ProjectionRebuild.RunAsync(options);
    while (true)
    {
        await using var app = await MasterHost.CreateAsync(options);
        var incarnation = app.Services.GetRequiredService<MasterIncarnation>();
        // Returns after SIGTERM or Ctrl-C once the host has stopped cleanly, or when the actor system ended on its own.
        await app.RunAsync();
        if (incarnation.EndedOnItsOwn is not { } reason) return Environment.ExitCode;
        // Downed by the cluster, or terminated by Akka.Remote after a failed outbound TLS handshake: the process carries
        // on with a new actor system (a new incarnation that joins the cluster again) rather than stopping the lab.
        Console.Error.WriteLine($"lava master: the actor system ended ({reason}); starting a new incarnation");
        await Task.Delay(TimeSpan.FromSeconds(1));
    }
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
catch (Exception e) when (AddressInUse(e))
{
    // Akka.Remote could not bind the cluster port: its own failure is a page of nested transport exceptions.
    Console.Error.WriteLine($"lava master: cannot listen for the cluster on {options.ClusterEndpoint}: address already in use");
    return 1;
}

static bool AddressInUse(Exception? e) => e switch
{
    null => false,
    System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
    AggregateException aggregate => aggregate.InnerExceptions.Any(AddressInUse),
    _ => AddressInUse(e.InnerException),
};
