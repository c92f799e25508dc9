namespace Lava.Actors.Jobs;

/// <summary>Where a job is in its life, as LAVA's <c>TestJob.state</c>; the values are LAVA's stored integers and only grow.</summary>
public enum JobState
{
    Submitted = 0,
    Scheduling = 1,
    Scheduled = 2,
    Running = 3,
    Canceling = 4,
    Finished = 5,
}

/// <summary>How a job ended, as LAVA's <c>TestJob.health</c>: Unknown until it is Finished.</summary>
public enum JobHealth
{
    Unknown = 0,
    Complete = 1,
    Incomplete = 2,
    Canceled = 3,
}
