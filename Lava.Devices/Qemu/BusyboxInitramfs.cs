using System.IO.Compression;
using Lava.Devices.Archives;

namespace Lava.Devices.Qemu;

/// <summary>
/// Builds the smallest useful Linux userland: a gzip-compressed newc initramfs holding one busybox-static binary.
/// Its <c>/init</c> mounts proc, sysfs, devtmpfs, devpts and a tmpfs on /tmp, installs busybox's applets as symlinks,
/// quietens the kernel's console messages and starts a root shell on the console whose prompt is <see cref="Prompt"/>,
/// what the LAVA reference run's QEMU jobs wait for (<c>prompts: ['/ # ']</c>, no login). The root stays the writable
/// initramfs, so a job overlay appended as a second cpio archive shows up as <c>/lava-JOBID/</c> and its scripts
/// run with busybox's <c>/bin/sh</c>. Used by the QEMU tests and the demo.
/// </summary>
public static class BusyboxInitramfs
{
    /// <summary>The shell prompt the initramfs's shell prints.</summary>
    public const string Prompt = "/ # ";

    /// <summary>Printed by <c>/init</c> right before the shell starts.</summary>
    public const string ReadyMessage = "Lava busybox initramfs ready";

    private static readonly string[] Directories =
        ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "etc", "run", "var", "mnt"];

    private const string Init = """
        #!/bin/busybox sh
        /bin/busybox mount -t proc proc /proc
        /bin/busybox --install -s
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
        mount -t tmpfs tmpfs /tmp
        hostname lava-guest
        # Kernel messages would otherwise interleave with the test shell's output.
        dmesg -n 1
        echo "Lava busybox initramfs ready"
        exec setsid cttyhack sh -l

        """;

    private const string Profile = """
        export PATH=/bin:/sbin:/usr/bin:/usr/sbin
        export HOME=/root
        export PS1='/ # '

        """;

    /// <summary>busybox at <c>/bin/busybox</c> or <c>/usr/bin/busybox</c> (Debian's busybox-static); null when neither exists.</summary>
    public static string? FindBusybox() =>
        new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Writes the initramfs to <paramref name="outputPath"/> (through a temporary file renamed into place) with the
    /// busybox binary at <paramref name="busyboxPath"/>, which must be statically linked: nothing else is copied.
    /// </summary>
    public static void Build(string busyboxPath, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(busyboxPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (!File.Exists(busyboxPath))
        {
            throw new FileNotFoundException($"busybox not found at {busyboxPath}", busyboxPath);
        }
        var temporary = outputPath + ".tmp";
        try
        {
            using (var file = File.Create(temporary))
            using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
            using (var cpio = new CpioWriter(gzip))
            {
                foreach (var directory in Directories)
                {
                    cpio.AddDirectory(directory);
                }
                cpio.AddDirectory("root", mode: 0x1C0);
                // The kernel's built-in initramfs has /dev/console and ours replaces it: without the node /init would
                // start with no console at all, before devtmpfs is mounted.
                cpio.AddCharacterDevice("dev/console", major: 5, minor: 1);
                cpio.AddFileFrom("bin/busybox", busyboxPath, mode: 0x1ED);
                cpio.AddSymlink("bin/sh", "busybox");
                cpio.AddFile("init", Init.ReplaceLineEndings("\n"), mode: 0x1ED);
                cpio.AddFile("etc/profile", Profile.ReplaceLineEndings("\n"));
                cpio.AddFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
                cpio.AddFile("etc/group", "root:x:0:\n");
            }
            File.Move(temporary, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
