namespace Lava.Bench.Kernel;

/// <summary>The message the kernel figures pass around; <see cref="Echo"/> answers it with itself.</summary>
internal sealed record Ping
{
    public static readonly Ping Instance = new();

    private Ping()
    {
    }
}
