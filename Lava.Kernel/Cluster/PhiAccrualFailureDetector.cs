namespace Lava.Kernel.Membership;

/// <summary>
/// Akka's phi accrual failure detector (Hayashibara et al.): phi is the suspicion level, derived from the
/// normal distribution of the intervals between past heartbeats (mean plus
/// <c>acceptableHeartbeatPause</c>, standard deviation at least <c>minStdDeviation</c>) and the time since
/// the last heartbeat. A node is available while phi is below <c>threshold</c>. Before the first heartbeat
/// phi is 0; the first heartbeat seeds the history with <c>firstHeartbeatEstimate</c>. Not thread-safe.
/// </summary>
internal sealed class PhiAccrualFailureDetector
{
    private readonly TimeProvider _time;
    private readonly double _threshold;
    private readonly int _maxSampleSize;
    private readonly double _minStdDeviationMs;
    private readonly double _acceptableHeartbeatPauseMs;
    private readonly double _firstHeartbeatEstimateMs;
    private readonly Queue<double> _intervals = new();
    private double _sum;
    private double _squaredSum;
    private long? _lastTimestamp;

    /// <summary>Creates a detector reading time from <paramref name="time"/>.</summary>
    public PhiAccrualFailureDetector(TimeProvider time, double threshold, int maxSampleSize, TimeSpan minStdDeviation,
        TimeSpan acceptableHeartbeatPause, TimeSpan firstHeartbeatEstimate)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSampleSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minStdDeviation, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(acceptableHeartbeatPause, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstHeartbeatEstimate, TimeSpan.Zero);
        _time = time;
        _threshold = threshold;
        _maxSampleSize = maxSampleSize;
        _minStdDeviationMs = minStdDeviation.TotalMilliseconds;
        _acceptableHeartbeatPauseMs = acceptableHeartbeatPause.TotalMilliseconds;
        _firstHeartbeatEstimateMs = firstHeartbeatEstimate.TotalMilliseconds;
    }

    /// <summary>Creates a detector with the failure-detector settings of <paramref name="settings"/> (first estimate: the heartbeat interval).</summary>
    public PhiAccrualFailureDetector(TimeProvider time, ClusterSettings settings)
        : this(time, settings.FailureDetectorThreshold, settings.FailureDetectorMaxSampleSize, settings.FailureDetectorMinStdDeviation,
            settings.AcceptableHeartbeatPause, settings.HeartbeatInterval)
    {
    }

    /// <summary>True once a heartbeat was recorded.</summary>
    public bool IsMonitoring => _lastTimestamp.HasValue;

    /// <summary>True while phi is below the threshold.</summary>
    public bool IsAvailable => Phi() < _threshold;

    /// <summary>Records a heartbeat now.</summary>
    public void HeartBeat()
    {
        var now = _time.GetTimestamp();
        if (_lastTimestamp is not { } last)
        {
            // As Akka: seed the history so that the first intervals are judged against the expected rate.
            var stdDeviation = _firstHeartbeatEstimateMs / 4;
            Add(_firstHeartbeatEstimateMs - stdDeviation);
            Add(_firstHeartbeatEstimateMs + stdDeviation);
        }
        else if (IsAvailable)
        {
            // An interval that ends a suspected pause would distort the history; Akka skips it too.
            Add(_time.GetElapsedTime(last, now).TotalMilliseconds);
        }
        _lastTimestamp = now;
    }

    /// <summary>The suspicion level now: 0 before the first heartbeat, growing with the time since the last one.</summary>
    public double Phi()
    {
        if (_lastTimestamp is not { } last) return 0.0;
        var sinceLast = _time.GetElapsedTime(last).TotalMilliseconds;
        var mean = _sum / _intervals.Count;
        var variance = (_squaredSum / _intervals.Count) - (mean * mean);
        var stdDeviation = Math.Max(Math.Sqrt(Math.Max(variance, 0)), _minStdDeviationMs);
        return Phi(sinceLast, mean + _acceptableHeartbeatPauseMs, stdDeviation);
    }

    /// <summary>Akka's logistic approximation of the cumulative normal distribution, as -log10 of the tail.</summary>
    internal static double Phi(double timeDiff, double mean, double stdDeviation)
    {
        var y = (timeDiff - mean) / stdDeviation;
        var e = Math.Exp(-y * (1.5976 + (0.070566 * y * y)));
        return timeDiff > mean ? -Math.Log10(e / (1.0 + e)) : -Math.Log10(1.0 - (1.0 / (1.0 + e)));
    }

    private void Add(double interval)
    {
        if (_intervals.Count >= _maxSampleSize)
        {
            var dropped = _intervals.Dequeue();
            _sum -= dropped;
            _squaredSum -= dropped * dropped;
        }
        _intervals.Enqueue(interval);
        _sum += interval;
        _squaredSum += interval * interval;
    }
}
