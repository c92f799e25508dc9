using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>Every shipped example job (examples/jobs/*.yaml) passes both of LAVA's validators.</summary>
public sealed class ExampleJobsSpec
{
    public static TheoryData<string> Jobs() => new(Names());

    private static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Path.Combine(TestJobSpec.RepositoryRoot, "examples", "jobs"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Jobs))]
    public void An_example_job_must_pass_the_submission_and_the_strict_schema(string name)
    {
        var tree = JobDefinitionParser.Parse(File.ReadAllText(Path.Combine(TestJobSpec.RepositoryRoot, "examples", "jobs", name)));

        Assert.Null(SubmissionSchema.Validate(tree));
        Assert.Null(StrictSchema.Validate(tree));
    }

    [Fact]
    public void The_examples_must_include_the_simulator_smoke_job() => Assert.Contains("sim-smoke.yaml", Names());
}
