using Lava.Devices.TestShell;

namespace Lava.Devices.Pipeline.Test;

/// <summary>The test shell's <see cref="TestShellError"/>s as the pipeline's <see cref="LavaError"/>s, by LAVA's error type.</summary>
public static class TestShellErrors
{
    /// <summary>The pipeline error of <paramref name="error"/>'s <see cref="TestShellError.ErrorType"/>; an unknown type is a bug.</summary>
    public static LavaError Map(TestShellError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return LavaError.OfType(error.ErrorType, error, "test shell");
    }

    /// <summary>Runs <paramref name="work"/>, its <see cref="TestShellError"/> mapped.</summary>
    public static async Task MapAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (TestShellError e)
        {
            throw Map(e);
        }
    }

    /// <summary>Runs <paramref name="work"/>, its <see cref="TestShellError"/> mapped.</summary>
    public static async Task<T> MapAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (TestShellError e)
        {
            throw Map(e);
        }
    }
}
