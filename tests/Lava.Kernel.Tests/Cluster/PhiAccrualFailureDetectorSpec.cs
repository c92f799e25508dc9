using Lava.Kernel.Membership;
using Lava.Kernel.TestKit;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

/// <summary>The detector on a manual clock, with the behaviour Akka's PhiAccrualFailureDetectorSpec documents.</summary>
public sealed class PhiAccrualFailureDetectorSpec
{
    private readonly ManualTimeProvider _time = new();

    private PhiAccrualFailureDetector Create(double threshold = 8.0, int maxSampleSize = 1000, double minStdDeviationMs = 10,
        double acceptablePauseMs = 0, double firstEstimateMs = 1000) =>
        new(_time, threshold, maxSampleSize, TimeSpan.FromMilliseconds(minStdDeviationMs), TimeSpan.FromMilliseconds(acceptablePauseMs),
            TimeSpan.FromMilliseconds(firstEstimateMs));

    /// <summary>Heartbeats after each of <paramref name="intervalsMs"/> (the first one at once).</summary>
    private void HeartbeatsAfter(PhiAccrualFailureDetector detector, params int[] intervalsMs)
    {
        foreach (var interval in intervalsMs)
        {
            _time.Advance(TimeSpan.FromMilliseconds(interval));
            detector.HeartBeat();
        }
    }

    private static double Cdf(double phi) => 1.0 - Math.Pow(10, -phi);

    [Fact]
    public void Phi_must_follow_the_cumulative_normal_distribution()
    {
        Assert.Equal(0.5, Cdf(PhiAccrualFailureDetector.Phi(0, 0, 10)), 3);
        Assert.Equal(0.7257, Cdf(PhiAccrualFailureDetector.Phi(6, 0, 10)), 3);
        Assert.Equal(0.9332, Cdf(PhiAccrualFailureDetector.Phi(15, 0, 10)), 3);
        Assert.Equal(0.97725, Cdf(PhiAccrualFailureDetector.Phi(20, 0, 10)), 3);
        Assert.Equal(0.99379, Cdf(PhiAccrualFailureDetector.Phi(25, 0, 10)), 3);
        Assert.Equal(0.99977, Cdf(PhiAccrualFailureDetector.Phi(35, 0, 10)), 4);
        Assert.Equal(0.99997, Cdf(PhiAccrualFailureDetector.Phi(40, 0, 10)), 4);
        Assert.True(PhiAccrualFailureDetector.Phi(-5, 0, 10) < PhiAccrualFailureDetector.Phi(0, 0, 10));
    }

    [Fact]
    public void Phi_must_handle_outliers_without_losing_precision()
    {
        Assert.InRange(PhiAccrualFailureDetector.Phi(10, 0, 1), 37.0, 39.0);
        Assert.Equal(0.0, PhiAccrualFailureDetector.Phi(-25, 0, 1));
    }

    [Fact]
    public void A_detector_must_report_phi_0_and_available_before_the_first_heartbeat()
    {
        var detector = Create();
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0.0, detector.Phi());
        Assert.True(detector.IsAvailable);
        Assert.False(detector.IsMonitoring);
    }

    [Fact]
    public void After_one_heartbeat_phi_must_be_judged_against_the_first_estimate()
    {
        var detector = Create(firstEstimateMs: 1000);
        detector.HeartBeat();
        Assert.True(detector.IsMonitoring);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.3, detector.Phi(), 0.2);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4.5, detector.Phi(), 0.3);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(detector.Phi() > 15.0);
    }

    [Fact]
    public void Phi_must_rise_with_the_time_since_the_last_heartbeat()
    {
        var detector = Create();
        HeartbeatsAfter(detector, 0, 1000, 1000, 1000, 1000);
        var previous = detector.Phi();
        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            var phi = detector.Phi();
            Assert.True(phi >= previous, $"phi fell from {previous} to {phi}");
            previous = phi;
        }
        Assert.False(detector.IsAvailable);
    }

    [Fact]
    public void A_node_must_be_marked_dead_when_heartbeats_are_missed_and_available_when_they_resume()
    {
        var detector = Create(threshold: 3);
        HeartbeatsAfter(detector, 0, 1000, 100, 100);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(detector.IsAvailable);
        _time.Advance(TimeSpan.FromMilliseconds(7000));
        Assert.False(detector.IsAvailable);
        HeartbeatsAfter(detector, 0, 100, 100);
        Assert.True(detector.IsAvailable);
    }

    [Fact]
    public void The_acceptable_heartbeat_pause_must_delay_the_suspicion()
    {
        var strict = Create(acceptablePauseMs: 0);
        var tolerant = Create(acceptablePauseMs: 3000);
        foreach (var detector in new[] { strict, tolerant }) detector.HeartBeat();
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            strict.HeartBeat();
            tolerant.HeartBeat();
        }
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(strict.IsAvailable);
        Assert.True(tolerant.IsAvailable);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(tolerant.IsAvailable);
    }

    [Fact]
    public void The_max_sample_size_must_bound_the_history()
    {
        var small = Create(maxSampleSize: 3);
        var large = Create(maxSampleSize: 1000);
        foreach (var detector in new[] { small, large })
        {
            detector.HeartBeat();
        }
        foreach (var interval in new[] { 1000, 1000, 1000, 1000, 1000, 1000, 100, 100, 100 })
        {
            _time.Advance(TimeSpan.FromMilliseconds(interval));
            small.HeartBeat();
            large.HeartBeat();
        }
        _time.Advance(TimeSpan.FromMilliseconds(500));
        // The small history holds only the last, short intervals, so a 500 ms silence is far more suspicious.
        Assert.True(small.Phi() > large.Phi());
        Assert.False(small.IsAvailable);
        Assert.True(large.IsAvailable);
    }

    [Fact]
    public void With_the_default_settings_a_silent_node_must_be_suspected_between_4_and_5_seconds_after_its_last_heartbeat()
    {
        var detector = new PhiAccrualFailureDetector(_time, new ClusterSettings());
        detector.HeartBeat();
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            detector.HeartBeat();
        }
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(detector.IsAvailable);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsAvailable);
    }
}
