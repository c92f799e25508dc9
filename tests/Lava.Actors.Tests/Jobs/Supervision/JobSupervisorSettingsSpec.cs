using Akka.Configuration;
using Lava.Actors.Configuration;
using Lava.Actors.Jobs.Supervision;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>The supervisors' settings read from <c>lava.jobs</c>.</summary>
public sealed class JobSupervisorSettingsSpec
{
    [Fact]
    public void Reference_conf_holds_the_documented_defaults() =>
        Assert.Equal(new JobSupervisorSettings(), JobSupervisorSettings.FromConfig(LavaConfig.Reference));

    [Fact]
    public void A_site_file_changes_only_the_keys_it_names()
    {
        var config = ConfigurationFactory.ParseString("lava.jobs { worker-report-window = 90s, timeout-grace = 1m }")
            .WithFallback(LavaConfig.Reference);

        var settings = JobSupervisorSettings.FromConfig(config);

        Assert.Equal(new JobSupervisorSettings { WorkerReportWindow = TimeSpan.FromSeconds(90), TimeoutGrace = TimeSpan.FromMinutes(1) }, settings);
    }
}
