using System.Runtime.CompilerServices;

namespace Lava.Bench;

/// <summary>The kernel's figures: message passing, ask, spawning, memory, journals.</summary>
public sealed partial class KernelBench : IBenchSuite
{
    public string Name => "kernel";

    public async IAsyncEnumerable<Figure> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield break;
    }
}
