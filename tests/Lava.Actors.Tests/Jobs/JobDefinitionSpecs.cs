using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

public sealed class JobDefinitionSpecs
{
    private static OrderedDictionary<object, object?> Tree(string text) => (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(text)!;

    private static JobDefinition Read(string text) => JobDefinition.FromTree(Tree(text));

    [Theory]
    [InlineData("{days: 1}", 86400)]
    [InlineData("{hours: 2}", 7200)]
    [InlineData("{minutes: 3}", 180)]
    [InlineData("{seconds: 40}", 40)]
    [InlineData("{minutes: 0}", 30)]
    public void Timeout_forms_convert_to_durations_and_zero_means_the_default(string form, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobTimeout.FromTree(JobDefinitionParser.Parse(form)).Duration);
    }

    [Fact]
    public void Skip_is_kept()
    {
        Assert.True(JobTimeout.FromTree(JobDefinitionParser.Parse("{minutes: 1, skip: true}")).Skip);
        Assert.False(JobTimeout.FromTree(JobDefinitionParser.Parse("{minutes: 1}")).Skip);
    }

    [Fact]
    public void Action_timeouts_follow_LAVAs_precedence()
    {
        var device = JobTimeouts.FromTree(Tree("{job: {hours: 9}, action: {seconds: 1}, actions: {http-download: {seconds: 2}, power-off: {seconds: 3}}}"));
        var job = JobTimeouts.FromTree(Tree("{job: {hours: 1}, action: {seconds: 10}, actions: {http-download: {seconds: 20}}}"));
        var block = Tree("{timeout: {seconds: 30}, timeouts: {http-download: {seconds: 40}}}");

        Assert.Equal(TimeSpan.FromSeconds(30), JobTimeouts.FromTree(Tree("{job: {hours: 1}}")).ForAction("anything").Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), JobTimeouts.FromTree(Tree("{job: {hours: 1}}")).ForAction("anything", device: device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), job.ForAction("anything", device: device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), job.ForAction("power-off", device: device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(20), job.ForAction("http-download", device: device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(30), job.ForAction("power-off", block, device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(40), job.ForAction("http-download", block, device).Duration);
    }

    [Fact]
    public void Connection_timeouts_follow_LAVAs_precedence()
    {
        var device = JobTimeouts.FromTree(Tree("{job: {hours: 9}, connection: {seconds: 1}, connections: {lava-test-shell: {seconds: 2}}}"));
        var job = JobTimeouts.FromTree(Tree("{job: {hours: 1}, connection: {seconds: 10}, connections: {uboot-commands: {seconds: 20}}}"));

        Assert.Equal(TimeSpan.FromSeconds(30), JobTimeouts.FromTree(Tree("{job: {hours: 1}}")).ForConnection("x").Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), job.ForConnection("x", device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), job.ForConnection("lava-test-shell", device).Duration);
        Assert.Equal(TimeSpan.FromSeconds(20), job.ForConnection("uboot-commands", device).Duration);
    }

    [Theory]
    [InlineData("high", 100)]
    [InlineData("medium", 50)]
    [InlineData("low", 0)]
    [InlineData("HIGH", 100)]
    [InlineData("0", 0)]
    [InlineData("77", 77)]
    [InlineData("100", 100)]
    public void Priority_words_and_numbers(string yaml, int expected)
    {
        Assert.Equal(expected, JobDefinition.ParsePriority(JobDefinitionParser.Parse(yaml)));
    }

    [Fact]
    public void Priority_defaults_to_medium_and_refuses_values_outside_0_to_100()
    {
        Assert.Equal(50, JobDefinition.ParsePriority(null));
        Assert.Equal("Invalid job priority: 101. Should be in [0, 100] (Parameter 'value')",
            Assert.Throws<ArgumentException>(() => JobDefinition.ParsePriority(101L)).Message);
        Assert.Throws<ArgumentException>(() => JobDefinition.ParsePriority(-1L));
    }

    [Fact]
    public void Visibility_is_public_personal_or_groups()
    {
        Assert.Equal(JobVisibility.Public, JobDefinition.ParseVisibility("public"));
        Assert.Equal(JobVisibility.Personal, JobDefinition.ParseVisibility("personal"));
        var group = JobDefinition.ParseVisibility(JobDefinitionParser.Parse("{group: [a, b]}"));
        Assert.Equal(JobVisibilityKind.Group, group.Kind);
        Assert.Equal(["a", "b"], group.Groups);
        Assert.Equal("Group (a, b)", group.ToString());
        Assert.Equal("Personal", JobVisibility.Personal.ToString());
    }

    [Fact]
    public void A_single_node_job_reads_its_common_parts()
    {
        var job = Read("""
            job_name: smoke
            device_type: qemu
            visibility: {group: [lab]}
            priority: high
            tags: [big, fast]
            context: {memory: 1024}
            metadata: {build: 42}
            secrets: {TOKEN: abc}
            timeouts: {job: {minutes: 10}, connection: {seconds: 20}}
            actions:
            - boot: {method: qemu, media: tmpfs}
            - test: {definitions: []}
            """);

        Assert.Equal("smoke", job.Name);
        Assert.Equal("qemu", job.DeviceType);
        Assert.Equal(100, job.Priority);
        Assert.Equal(["big", "fast"], job.Tags);
        Assert.Equal(1024L, job.Context["memory"]);
        Assert.Equal(42L, job.Metadata["build"]);
        Assert.Equal("abc", job.Secrets["TOKEN"]);
        Assert.Equal(TimeSpan.FromMinutes(10), job.Timeouts.Job.Duration);
        Assert.Equal(TimeSpan.FromSeconds(20), job.Timeouts.Connection!.Duration);
        Assert.Equal(["boot", "test"], job.Actions.Select(a => a.Type));
        Assert.Equal("qemu", job.Actions[0].Block["method"]);
        Assert.False(job.IsMultinode);
    }

    [Fact]
    public void A_multinode_job_reads_its_roles()
    {
        var job = Read("""
            job_name: mn
            visibility: public
            timeouts: {job: {minutes: 10}}
            protocols:
              lava-multinode:
                timeout: {minutes: 6}
                roles:
                  server: {device_type: qemu, count: 1, tags: [big], context: {memory: 2048}, essential: true}
                  guest: {connection: ssh, count: 2, host_role: server, expect_role: server, timeout: {minutes: 5}}
            actions:
            - deploy: {role: [server], to: tmpfs}
            """);

        Assert.True(job.IsMultinode);
        Assert.Equal(TimeSpan.FromMinutes(6), job.MultinodeTimeout!.Duration);
        var server = job.Roles[0];
        Assert.Equal(("server", "qemu", 1, true), (server.Name, server.DeviceType, server.Count, server.Essential));
        Assert.Equal(["big"], server.Tags);
        Assert.Equal(2048L, server.Context["memory"]);
        var guest = job.Roles[1];
        Assert.Equal(("guest", "ssh", 2, "server", "server"), (guest.Name, guest.Connection, guest.Count, guest.HostRole, guest.ExpectRole));
        Assert.Equal(TimeSpan.FromMinutes(5), guest.Timeout!.Duration);
    }
}
