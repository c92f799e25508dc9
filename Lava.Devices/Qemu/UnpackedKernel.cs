namespace Lava.Devices.Qemu;

/// <summary>
/// A Debian kernel for QEMU devices that boot with <c>-kernel</c>: <c>LAVA_TEST_KERNEL</c> when it names a file, else
/// the newest <c>vmlinuz-*</c> that <c>./lava test</c> unpacked (not installed) from linux-image-amd64 under
/// <c>$XDG_CACHE_HOME/lava/kernel/PACKAGE/boot/</c> (default <c>~/.cache</c>).
/// </summary>
public static class UnpackedKernel
{
    /// <summary>The variable that names a kernel image directly.</summary>
    public const string Variable = "LAVA_TEST_KERNEL";

    /// <summary>The kernel's path, or null when there is none.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set && File.Exists(set)) return set;
        var cache = Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "lava", "kernel");
        return Directory.Exists(cache)
            ? Directory.EnumerateDirectories(cache).Select(d => Path.Combine(d, "boot")).Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "vmlinuz-*")).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }
}
