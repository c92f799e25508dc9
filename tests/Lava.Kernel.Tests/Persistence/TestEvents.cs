using Lava.Kernel.Persistence;

namespace Lava.Kernel.Tests.Persistence;

public sealed record Counted(int N);

public sealed record Blob(string Data);

public sealed record Renamed(string Name);

public sealed record NeverRegistered(int X);

public sealed record CounterState(int Total, string Note);

internal static class TestEvents
{
    /// <summary>The registry of every test type except <see cref="Renamed"/> (which plays an unknown manifest) and <see cref="NeverRegistered"/>.</summary>
    public static EventRegistry Registry() => new EventRegistry()
        .Register<Counted>("counted.v1")
        .Register<Blob>("blob.v1")
        .Register<CounterState>("counter-state.v1");

    /// <summary>A string of <paramref name="length"/> characters that JSON keeps as is and that does not compress to nothing.</summary>
    public static string LargeText(int length)
    {
        var bytes = new byte[length * 3 / 4];
        new Random(42).NextBytes(bytes);
        return Convert.ToBase64String(bytes)[..length];
    }
}
