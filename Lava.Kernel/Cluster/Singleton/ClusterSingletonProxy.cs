namespace Lava.Kernel;

/// <summary>
/// Reaches the singleton of a <see cref="ClusterSingletonManager"/> wherever it runs, as Akka's
/// <c>ClusterSingletonProxy</c>: it follows the oldest Up member with the role, finds the singleton there, and
/// forwards every message to it with the original sender. While no singleton is known (none started yet, or
/// it is moving) messages wait in a buffer of <see cref="ClusterSingletonProxySettings.BufferSize"/>, delivered
/// in order once the singleton is found.
/// </summary>
public static class ClusterSingletonProxy
{
    /// <summary>
    /// Props of a proxy for the singleton under the manager at <paramref name="singletonManagerPath"/>, a path
    /// without address that is the same on every member (e.g. <c>/user/singleton-manager</c>).
    /// </summary>
    public static Props Props(string singletonManagerPath, ClusterSingletonProxySettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(singletonManagerPath);
        ArgumentNullException.ThrowIfNull(settings);
        if (!singletonManagerPath.StartsWith('/'))
        {
            throw new ArgumentException($"the manager path '{singletonManagerPath}' must start with '/' (a path without address, such as /user/singleton-manager)", nameof(singletonManagerPath));
        }
        settings.Validate();
        return Kernel.Props.Create(() => new ClusterSingletonProxyActor(singletonManagerPath.TrimEnd('/'), settings));
    }
}
