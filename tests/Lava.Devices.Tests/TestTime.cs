using System.Globalization;

namespace Lava.Devices.Tests;

/// <summary>LAVA_TEST_TIMEFACTOR (1 when unset): a loaded machine stretches every deadline of these tests by it.</summary>
internal static class TestTime
{
    public static double Factor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("LAVA_TEST_TIMEFACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 ? f : 1;

    /// <summary>The TestKit's configuration: its expectations stretch by <see cref="Factor"/> too.</summary>
    public static string AkkaConfig { get; } = string.Create(CultureInfo.InvariantCulture, $"akka.test.timefactor = {Factor}");
}
