using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class ActorSystemConfigSpec
{
    [Fact]
    public async Task A_system_must_take_its_settings_from_configuration_with_reference_defaults()
    {
        var config = ConfigFactory.ParseString("akka.actor.ask-timeout = 250ms\nakka.actor.default-dispatcher.throughput = 7");
        await using var system = ActorSystem.Create("configured", config);
        Assert.Equal(TimeSpan.FromMilliseconds(250), system.Settings.AskTimeout);
        Assert.Equal(7, system.Settings.Throughput);
        Assert.Equal(-1, system.Settings.StashCapacity);
        Assert.Equal(10, system.Settings.LogDeadLetters);
        Assert.Equal("akka.persistence.journal.sqlite", system.Config.GetString("akka.persistence.journal.plugin"));
    }

    [Theory]
    [InlineData("akka.actor.ask-timeout = infinite", "akka.actor.ask-timeout")]
    [InlineData("akka.actor.default-dispatcher.throughput = 0", "akka.actor.default-dispatcher.throughput")]
    [InlineData("akka.actor.guardian-supervisor-strategy = sometimes", "akka.actor.guardian-supervisor-strategy")]
    public void A_bad_setting_must_fail_naming_its_key(string text, string key)
    {
        var error = Assert.Throws<ConfigException>(() => ActorSystem.Create("bad", ConfigFactory.ParseString(text)));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void The_reference_configuration_must_resolve_and_document_every_key()
    {
        var reference = ConfigFactory.Reference().Resolve();
        Assert.Equal(TimeSpan.FromSeconds(30), reference.GetTimeSpan("akka.persistence.journal-plugin-fallback.recovery-event-timeout"));
        Assert.Equal("public", reference.GetString("akka.persistence.snapshot-store.postgresql.schema-name"));
        var text = new StreamReader(typeof(ConfigFactory).Assembly.GetManifestResourceStream("Lava.Kernel.reference.conf")!).ReadToEnd();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Contains('=') && !line.StartsWith('#'))
                Assert.True(lines[i - 1].Trim().StartsWith('#'), $"reference.conf line {i + 1} '{line}' has no comment above it");
        }
    }
}
