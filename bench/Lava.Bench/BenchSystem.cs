using System.Reflection;
using Akka.Actor;
using Akka.Configuration;

namespace Lava.Bench;

/// <summary>
/// Actor systems with Lava's dispatcher and mailbox settings (hocon/reference.conf), local, logging to stderr.
/// </summary>
internal static class BenchSystem
{
    // Only the sections these figures depend on: the rest of reference.conf configures nodes (remoting, cluster,
    // journals) and names keys Akka reads differently.
    private static readonly Config Lava = Sections(
        ConfigurationFactory.ParseString(ReadReference()), "akka.actor.default-dispatcher", "akka.actor.default-mailbox");

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
        ActorSystem.Create("bench", extra.WithFallback(Overrides).WithFallback(Lava));

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

    private static Config Sections(Config config, params string[] paths) =>
        ConfigurationFactory.ParseString(string.Join('\n', paths
            .Where(config.HasPath)
            .Select(path => $"{path} {{\n{config.GetConfig(path).Root}\n}}")));

    private static string ReadReference()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Lava.Bench.reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in Lava.Bench");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
