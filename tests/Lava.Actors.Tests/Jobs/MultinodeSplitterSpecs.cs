using Lava.Actors.Jobs.Definition;
using Lava.Actors.Yaml;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>A MultiNode submission splits into one job per role instance as LAVA's <c>split_multinode_yaml</c> does.</summary>
public sealed class MultinodeSplitterSpecs
{
    private const string Group = "5d3c7b9e-1111-4a2b-9c3d-000000000001";

    private const string Submission = """
        job_name: client-server
        visibility: public
        priority: high
        secrets: {TOKEN: t}
        metadata: {build: 'on'}
        timeouts:
          job: {minutes: 30}
        protocols:
          lava-multinode:
            timeout: {minutes: 5}
            roles:
              server: {device_type: qemu, count: 1, tags: [big], context: {memory: 2048}, essential: true, timeout: {minutes: 9}}
              client: {device_type: bbb, count: 2, environment: {ROLE: client}}
              guest: {connection: ssh, count: 1, host_role: server, expect_role: server, request: lava-start}
        actions:
        - deploy: {role: [server, client], to: tmpfs, images: {rootfs: {url: 'http://x/r.img'}}}
        - boot: {role: [server], method: qemu, media: tmpfs}
        - boot: {role: [client], method: u-boot, commands: ramdisk}
        - test: {role: [guest, client, server], definitions: [{from: git, repository: 'https://x/t.git', path: t.yaml, name: t}]}
        """;

    private static IReadOnlyList<RoleJob> Split(string text) =>
        MultinodeSplitter.Split((OrderedDictionary<object, object?>)JobDefinitionParser.Parse(text)!, Group);

    private static OrderedDictionary<object, object?> Map(object? node) => Assert.IsType<OrderedDictionary<object, object?>>(node);

    private static OrderedDictionary<object, object?> Multinode(RoleJob job) => Map(Map(job.Tree["protocols"])["lava-multinode"]);

    [Fact]
    public void Each_role_instance_becomes_a_job_in_role_order_with_a_group_wide_sub_id()
    {
        var jobs = Split(Submission);

        Assert.Equal(["server", "client", "client", "guest"], jobs.Select(j => j.Role));
        Assert.Equal([0, 1, 2, 3], jobs.Select(j => j.SubId));
        Assert.Equal(["qemu", "bbb", "bbb", null], jobs.Select(j => j.DeviceType));
        Assert.Equal([true, true, true, false], jobs.Select(j => j.DeviceBacked));
        Assert.Equal("server", jobs[3].HostRole);
        Assert.Equal(["big"], jobs[0].Tags);
        Assert.Equal(2048L, jobs[0].Context["memory"]);
        Assert.Equal([true, false, false, false], jobs.Select(j => j.Essential));
        Assert.All(jobs, j => Assert.Equal(new JobTimeout(TimeSpan.FromMinutes(5)), j.MultinodeTimeout));
    }

    [Fact]
    public void A_job_keeps_the_common_keys_takes_its_roles_scheduling_keys_and_drops_secrets()
    {
        var server = Split(Submission)[0].Tree;

        Assert.Equal(["actions", "job_name", "timeouts", "priority", "visibility", "metadata", "device_type", "context", "protocols"], server.Keys);
        Assert.Equal("client-server", server["job_name"]);
        Assert.Equal("qemu", server["device_type"]);
        Assert.Equal(2048L, Map(server["context"])["memory"]);
    }

    [Fact]
    public void A_job_has_only_its_roles_actions_each_with_that_role_alone()
    {
        var jobs = Split(Submission);

        Assert.Equal(["deploy", "boot", "test"], ((List<object?>)jobs[0].Tree["actions"]!).Select(a => Map(a).GetAt(0).Key));
        Assert.Equal("qemu", Map(Map(((List<object?>)jobs[0].Tree["actions"]!)[1]).GetAt(0).Value)["method"]);
        Assert.Equal("u-boot", Map(Map(((List<object?>)jobs[1].Tree["actions"]!)[1]).GetAt(0).Value)["method"]);
        Assert.Single((List<object?>)jobs[3].Tree["actions"]!);
        Assert.All(jobs, j => Assert.All((List<object?>)j.Tree["actions"]!, a => Assert.Equal(j.Role, Map(Map(a).GetAt(0).Value)["role"])));
    }

    [Fact]
    public void The_multinode_block_names_the_group_the_role_and_its_extras_and_the_protocol_timeout_wins()
    {
        var jobs = Split(Submission);

        var server = Multinode(jobs[0]);
        Assert.Equal(Group, server["target_group"]);
        Assert.Equal("server", server["role"]);
        Assert.Equal(4L, server["group_size"]);
        Assert.Equal(0L, server["sub_id"]);
        Assert.Equal(true, server["essential"]);
        Assert.Equal(new List<object?> { "big" }, server["tags"]);
        Assert.Equal(5L, Map(server["timeout"])["minutes"]);
        Assert.False(server.ContainsKey("count"));
        Assert.Equal(2L, Multinode(jobs[2])["sub_id"]);
        Assert.Equal("client", Map(Multinode(jobs[1])["environment"])["ROLE"]);
        Assert.Equal("lava-start", Multinode(jobs[3])["request"]);
        Assert.Equal("server", jobs[3].Tree["host_role"]);
        Assert.Equal("ssh", jobs[3].Tree["connection"]);
    }

    [Fact]
    public void The_definition_is_sorted_block_yaml_that_reads_back_to_the_same_job()
    {
        var job = Split(Submission)[0];

        Assert.StartsWith("actions:\n- deploy:\n", job.Definition.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("build: 'on'", job.Definition, StringComparison.Ordinal);
        Assert.DoesNotContain("{", job.Definition, StringComparison.Ordinal);
        Assert.Equal(job.Definition, PyYamlDumper.Dump(JobDefinitionParser.Parse(job.Definition)));
        Assert.Equal("on", Map(Map(JobDefinitionParser.Parse(job.Definition))["metadata"])["build"]);
    }

    [Fact]
    public void A_role_of_count_zero_gets_no_job_and_is_not_counted_in_the_group()
    {
        var jobs = Split(Submission.Replace("device_type: bbb, count: 2", "device_type: bbb, count: 0", StringComparison.Ordinal));

        Assert.Equal(["server", "guest"], jobs.Select(j => j.Role));
        Assert.All(jobs, j => Assert.Equal(2L, Multinode(j)["group_size"]));
        Assert.Equal([0, 1], jobs.Select(j => j.SubId));
    }

    [Theory]
    [InlineData("device_type: bbb, count: 2", "count: 2", "required key not provided @ data['protocols']['lava-multinode']['roles']['client']['device_type']")]
    [InlineData("device_type: bbb, count: 2", "device_type: bbb, connection: ssh, count: 2", "lava-multinode protocol cannot support device_type and connection for a single role.")]
    [InlineData("host_role: server, expect_role", "expect_role", "connection specified without a host_role")]
    [InlineData("device_type: bbb, count: 2", "device_type: bbb, count: -1", "value must be at least 0 @ data['protocols']['lava-multinode']['roles']['client']['count']")]
    [InlineData("device_type: bbb, count: 2", "device_type: bbb", "required key not provided @ data['protocols']['lava-multinode']['roles']['client']['count']")]
    [InlineData("device_type: qemu, count: 1", "device_type: qemu, count: 2", "The count for a role designated as a host_role must be 1.")]
    [InlineData("- boot: {role: [server], method: qemu", "- boot: {method: qemu",
        "Invalid YAML - Did not find a role in action 'boot', check for consistent use of whitespace indents.")]
    [InlineData("role: [server], method: qemu", "role: [server, sever], method: qemu", "'role' 'sever' does not exist @ data['actions'][1]['boot']['role']")]
    [InlineData("role: [guest, client, server]", "role: [client, server]", "'role' 'guest' has no actions")]
    public void A_group_that_cannot_be_split_is_refused_with_LAVAs_message(string from, string to, string message)
    {
        Assert.Contains(from, Submission, StringComparison.Ordinal);

        var error = Assert.Throws<MultinodeSplitException>(() => Split(Submission.Replace(from, to, StringComparison.Ordinal)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Vland_needs_exactly_one_device_per_role()
    {
        var text = Submission.Replace("protocols:\n", "protocols:\n  lava-vland: {server: {vlan_one: {tags: [10G]}}}\n", StringComparison.Ordinal);

        Assert.Equal("vland protocol only supports one device per role.", Assert.Throws<MultinodeSplitException>(() => Split(text)).Message);
    }

    /// <summary>The corpus' accepted MultiNode submissions.</summary>
    public static IEnumerable<object[]> CorpusGroups() => JobCorpus.Verdicts()
        .Where(v => (string)v[1] == "ok")
        .Select(v => (string)v[0])
        .Where(file => JobDefinition.FromTree(Map(JobDefinitionParser.Parse(JobCorpus.Read(file)))).IsMultinode)
        .Select(file => new object[] { file });

    [CorpusFact]
    public void The_corpus_has_multinode_groups()
    {
        Assert.True(CorpusGroups().Count() >= 10);
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusGroups))]
    public void Every_corpus_group_splits_into_its_role_counts_with_its_roles_actions(string file)
    {
        var tree = Map(JobDefinitionParser.Parse(JobCorpus.Read(file)));
        var definition = JobDefinition.FromTree(tree);

        var jobs = MultinodeSplitter.Split(tree, Group);

        Assert.Equal(definition.Roles.SelectMany(r => Enumerable.Repeat(r.Name, r.Count)), jobs.Select(j => j.Role));
        Assert.Equal(Enumerable.Range(0, jobs.Count), jobs.Select(j => j.SubId));
        foreach (var job in jobs)
        {
            var role = definition.Roles.Single(r => r.Name == job.Role);
            Assert.Equal(role.DeviceType, job.DeviceType);
            Assert.Equal(definition.Actions.Count(a => ((List<object?>)a.Block["role"]!).Contains(job.Role)), ((List<object?>)job.Tree["actions"]!).Count);
            Assert.Equal((long)jobs.Count, Multinode(job)["group_size"]);
            Assert.Equal(job.Definition, PyYamlDumper.Dump(JobDefinitionParser.Parse(job.Definition)));
        }
    }
}
