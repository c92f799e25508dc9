using Akka.Actor;
using Akka.Configuration;
using Lava.Actors.Configuration;

namespace Lava.Bench;

/// <summary>
/// Local actor systems as Lava configures its nodes (Akka's defaults beneath <see cref="LavaConfig.Reference"/>),
/// logging to stderr.
/// </summary>
internal static class BenchSystem
{
    // Remoting and clustering stay out of the local figures; stdout carries only the JSON lines. Stopping 200,000
    // actors on a loaded machine outlasts the default phase timeout, and the teardown is not measured.
    private static readonly Config Overrides = ConfigurationFactory.ParseString("""
        akka.actor.provider = local
        akka.loggers = ["Lava.Bench.StderrLogger, Lava.Bench"]
        akka.stdout-loglevel = off
        akka.loglevel = WARNING
        akka.coordinated-shutdown.phases.actor-system-terminate.timeout = 60s
        """);

    /// <summary>A new actor system; <paramref name="extra"/> comes before Lava's settings.</summary>
    public static ActorSystem Create(Config extra) =>
        ActorSystem.Create("bench", extra.WithFallback(Overrides).WithFallback(LavaConfig.Reference));

    /// <summary>Runs <paramref name="run"/> on a fresh actor system and terminates the system afterwards.</summary>
    public static async Task<T> RunAsync<T>(Func<ActorSystem, Task<T>> run)
    {
        var system = Create(Config.Empty);
        try
        {
            return await run(system).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
