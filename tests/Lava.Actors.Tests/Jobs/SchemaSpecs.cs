using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>The error examples of spec §1.10 and §1.11, as LAVA 2023.01's two validators answer them.</summary>
public sealed class SchemaSpecs
{
    private const string Valid = """
        job_name: smoke
        device_type: qemu
        visibility: public
        priority: medium
        timeouts:
          job: {minutes: 10}
          action: {minutes: 5}
        actions:
        - deploy:
            to: tmpfs
            images: {rootfs: {url: 'http://example.org/root.img'}}
        - boot:
            method: qemu
            media: tmpfs
            prompts: ['# ']
        - test:
            definitions:
            - {from: git, repository: 'https://example.org/t.git', path: smoke.yaml, name: smoke}
        """;

    private static object? Job(string text) => JobDefinitionParser.Parse(text);

    private static object? Edit(string from, string to)
    {
        Assert.Contains(from, Valid, StringComparison.Ordinal);
        return Job(Valid.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_job_passes_both()
    {
        Assert.Null(SubmissionSchema.Validate(Job(Valid)));
        Assert.Null(StrictSchema.Validate(Job(Valid)));
    }

    [Fact]
    public void Missing_visibility_is_refused_by_both()
    {
        var tree = Edit("visibility: public\n", "");

        Assert.Equal("required key not provided @ data['visibility']", SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['visibility']", "required key not provided"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void An_action_timeout_above_the_job_timeout_is_refused_only_by_the_strict_schema()
    {
        var tree = Edit("action: {minutes: 5}", "action: {minutes: 15}");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['timeouts', 'action']", "Global timeout is larger than job timeout"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void An_action_block_timeout_above_the_job_timeout_names_the_action_index()
    {
        var tree = Edit("method: qemu\n", "method: qemu\n    timeout: {hours: 1}\n");

        Assert.Equal(new StrictSchema.Error("['actions', '1']", "Action timeout is larger than job timeout"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void Priority_101_passes_the_submission_schema_but_not_the_strict_one()
    {
        var tree = Edit("priority: medium", "priority: 101");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['priority']", "not a valid value"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void An_unknown_priority_word_is_refused_for_dictionary_value()
    {
        Assert.Equal("not a valid value for dictionary value @ data['priority']", SubmissionSchema.Validate(Edit("priority: medium", "priority: urgent")));
    }

    [Fact]
    public void U_boot_without_commands_passes_submission_and_fails_strict_validation()
    {
        var tree = Edit("method: qemu", "method: u-boot");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['actions[1]', 'boot', 'u_boot', 'commands']", "required key not provided"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void An_unknown_boot_method_passes_submission_and_is_an_unknown_action_type_for_the_strict_schema()
    {
        var tree = Edit("method: qemu", "method: foo");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['actions', 'boot', 'foo']", "unknown action type"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void Two_units_in_one_timeout_are_an_exclusion_error_at_submission()
    {
        Assert.Equal("two or more values in the same group of exclusion 'timeout_unit' @ data['timeouts']['job'][<timeout_unit>]",
            SubmissionSchema.Validate(Edit("job: {minutes: 10}", "job: {minutes: 10, seconds: 5}")));
    }

    [Fact]
    public void A_zero_job_timeout_passes_submission_but_not_the_strict_schema()
    {
        var tree = Edit("job: {minutes: 10}", "job: {minutes: 0}");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.NotNull(StrictSchema.Validate(tree));
    }

    [Fact]
    public void An_unknown_top_level_key_is_refused_at_submission_and_tolerated_by_validate_unless_strict()
    {
        var tree = Edit("priority: medium\n", "priority: medium\nfoo: 1\n");

        Assert.Equal("extra keys not allowed @ data['foo']", SubmissionSchema.Validate(tree));
        Assert.Null(StrictSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['foo']", "extra keys not allowed"), StrictSchema.Validate(tree, strict: true));
    }

    [Fact]
    public void An_unknown_context_variable_is_refused_by_both()
    {
        var tree = Edit("priority: medium\n", "priority: medium\ncontext: {memory: 1024, foo: 1}\n");

        Assert.Equal("extra keys not allowed @ data['context']['foo']", SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['context', 'foo']", "extra keys not allowed"), StrictSchema.Validate(tree));
    }

    private const string Multinode = """
        priority: medium
        protocols:
          lava-multinode:
            roles:
              server: {device_type: qemu, count: 1}

        """;

    [Fact]
    public void Multinode_with_a_top_level_device_type_is_refused_by_the_strict_schema()
    {
        var tree = Job(Valid.Replace("priority: medium\n", Multinode, StringComparison.Ordinal)
            .Replace("- deploy:\n", "- deploy:\n    role: [server]\n", StringComparison.Ordinal)
            .Replace("- boot:\n", "- boot:\n    role: [server]\n", StringComparison.Ordinal)
            .Replace("- test:\n", "- test:\n    role: [server]\n", StringComparison.Ordinal));

        Assert.Equal(new StrictSchema.Error("[]", "\"device_type\" should not be used with multinode"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void A_multinode_action_without_roles_is_refused_before_the_top_level_keys_are_looked_at()
    {
        var tree = Edit("priority: medium\n", Multinode);

        Assert.Equal(new StrictSchema.Error("[]", "Every action of a multinode job should have roles"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void Multinode_with_top_level_tags_is_refused_by_the_strict_schema()
    {
        var tree = Job(Valid.Replace("device_type: qemu\n", "tags: [big]\n", StringComparison.Ordinal)
            .Replace("priority: medium\n", Multinode, StringComparison.Ordinal)
            .Replace("- deploy:\n", "- deploy:\n    role: [server]\n", StringComparison.Ordinal)
            .Replace("- boot:\n", "- boot:\n    role: [server]\n", StringComparison.Ordinal)
            .Replace("- test:\n", "- test:\n    role: [server]\n", StringComparison.Ordinal));

        Assert.Equal(new StrictSchema.Error("[]", "\"tags\" should not be used with multinode"), StrictSchema.Validate(tree));
    }

    [Fact]
    public void Secrets_with_public_visibility_are_refused_by_both()
    {
        var tree = Edit("priority: medium\n", "priority: medium\nsecrets: {TOKEN: x}\n");

        Assert.Equal("When 'secrets' is used, 'visibility' shouldn't be 'public'", SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("[]", "When using \"secrets\", visibility shouldn't be \"public\""), StrictSchema.Validate(tree));
    }

    [Fact]
    public void A_host_role_must_name_an_existing_role()
    {
        var tree = Job(Valid.Replace("device_type: qemu\n", "", StringComparison.Ordinal).Replace("priority: medium\n", """
            protocols:
              lava-multinode:
                roles:
                  guest: {connection: ssh, count: 1, host_role: host, expect_role: host}

            """, StringComparison.Ordinal));

        Assert.Equal("'host_role' 'host' does not exist", SubmissionSchema.Validate(tree));
    }

    [Fact]
    public void A_v2_job_in_json_is_accepted()
    {
        const string json = """
            {"job_name": "json", "device_type": "qemu", "visibility": "personal",
             "timeouts": {"job": {"minutes": 5}},
             "actions": [{"boot": {"method": "qemu", "media": "tmpfs"}}]}
            """;

        Assert.Null(SubmissionSchema.Validate(Job(json)));
        Assert.Null(StrictSchema.Validate(Job(json)));
    }

    [Fact]
    public void A_v1_json_job_is_refused_for_its_timeout_key()
    {
        const string json = """
            {"job_name": "v1", "device_type": "panda", "timeout": 18000,
             "actions": [{"command": "deploy_linaro_image", "parameters": {"image": "http://example.org/x.img"}}]}
            """;

        Assert.Equal("extra keys not allowed @ data['timeout']", SubmissionSchema.Validate(Job(json)));
    }

    [Fact]
    public void An_empty_action_is_an_invalid_action_for_the_strict_schema()
    {
        var tree = Edit("- test:\n", "- {}\n- test:\n");

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Equal(new StrictSchema.Error("['actions[2]']", "invalid action"), StrictSchema.Validate(tree));
    }
}
