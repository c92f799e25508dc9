using Lava.Actors.Jobs.Definition;
using Xunit;

namespace Lava.Actors.Tests.Jobs;

/// <summary>Both validators answer every job of LAVA's corpus exactly as LAVA 2023.01 did.</summary>
public sealed class CorpusVerdictSpecs
{
    [CorpusFact]
    public void The_corpus_is_there_with_its_verdicts()
    {
        Assert.NotNull(JobCorpus.Directory);
        Assert.True(JobCorpus.Verdicts().Count() >= 150);
    }

    [CorpusTheory]
    [MemberData(nameof(JobCorpus.Verdicts), MemberType = typeof(JobCorpus))]
    public void Submission_schema_gives_LAVAs_verdict(string file, string submit, string? path, string? msg)
    {
        _ = (path, msg);
        var tree = JobDefinitionParser.Parse(JobCorpus.Read(file));

        Assert.Equal(submit == "ok" ? null : submit, SubmissionSchema.Validate(tree));
    }

    [CorpusTheory]
    [MemberData(nameof(JobCorpus.Verdicts), MemberType = typeof(JobCorpus))]
    public void Strict_schema_gives_LAVAs_validate_answer(string file, string submit, string? path, string? msg)
    {
        _ = submit;
        var tree = JobDefinitionParser.Parse(JobCorpus.Read(file));

        var error = StrictSchema.Validate(tree);

        Assert.Equal(msg is null ? null : new StrictSchema.Error(path!, msg), error);
    }

    [CorpusTheory]
    [MemberData(nameof(JobCorpus.Verdicts), MemberType = typeof(JobCorpus))]
    public void Accepted_jobs_read_into_the_typed_model(string file, string submit, string? path, string? msg)
    {
        _ = (path, msg);
        if (submit != "ok")
        {
            return;
        }
        var tree = (OrderedDictionary<object, object?>)JobDefinitionParser.Parse(JobCorpus.Read(file))!;

        var job = JobDefinition.FromTree(tree);

        Assert.Equal(tree["job_name"], job.Name);
        Assert.Equal(((List<object?>)tree["actions"]!).Count, job.Actions.Count);
        Assert.InRange(job.Priority, 0, 100);
        Assert.True(job.Timeouts.Job.Duration > TimeSpan.Zero);
    }
}
