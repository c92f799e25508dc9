using System.Globalization;

namespace Lava.Kernel.TestKit;

/// <summary>
/// TestKit timing, as Akka's <c>akka.test</c>: every timeout is multiplied by <see cref="TimeFactor"/>
/// so that a slow CI machine gets more time without touching the tests.
/// </summary>
public sealed record TestKitSettings
{
    /// <summary><c>akka.test.timefactor</c>, overridden by the <c>LAVA_TEST_TIMEFACTOR</c> environment variable; 1 by default.</summary>
    public double TimeFactor { get; init; } = 1.0;

    /// <summary><c>akka.test.single-expect-default</c>: the default wait of one expectation; 3 s.</summary>
    public TimeSpan SingleExpectDefault { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary><c>akka.test.default-timeout</c>: the default for longer waits (shutdown, await-assert); 5 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The settings of <c>akka.test</c> in <paramref name="config"/>, with the time factor from the environment when set.</summary>
    public static TestKitSettings From(Lava.Kernel.Configuration.Config config)
    {
        var settings = new TestKitSettings
        {
            TimeFactor = config.GetDouble("akka.test.timefactor", 1.0),
            SingleExpectDefault = config.GetTimeSpan("akka.test.single-expect-default", TimeSpan.FromSeconds(3)),
            DefaultTimeout = config.GetTimeSpan("akka.test.default-timeout", TimeSpan.FromSeconds(5)),
        };
        var text = Environment.GetEnvironmentVariable("LAVA_TEST_TIMEFACTOR");
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || factor <= 0)
                throw new InvalidOperationException($"LAVA_TEST_TIMEFACTOR must be a positive number, not '{text}'");
            settings = settings with { TimeFactor = factor };
        }
        return settings;
    }

    public TimeSpan Dilated(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? duration : TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));
}
