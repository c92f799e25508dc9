using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Lava.Devices.Qemu;
using Xunit;
using Lava.Devices.Archives;

namespace Lava.Devices.Tests.Qemu;

/// <summary>The newc writer checked against a real cpio (busybox's), and the busybox initramfs built with it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CpioWriterSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lava-cpio-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [RequiresBusyboxFact]
    public async Task An_archive_must_unpack_with_cpio_into_its_directories_files_modes_and_symlinks()
    {
        var archive = Path.Combine(_directory, "test.cpio");
        var source = Path.Combine(_directory, "source.sh");
        await File.WriteAllTextAsync(source, "#!/bin/sh\necho from disk\n");
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        using (var cpio = new CpioWriter(File.Create(archive)))
        {
            cpio.AddDirectory("lava-7");
            cpio.AddDirectory("/lava-7/bin/", mode: 0x1C0);
            cpio.AddFile("lava-7/bin/odd", "123"); // 3 bytes: the next header needs padding
            cpio.AddFile("./lava-7/bin/run", "#!/bin/sh\necho hi\n", mode: 0x1ED);
            cpio.AddFile("lava-7/empty", ReadOnlySpan<byte>.Empty);
            cpio.AddFileFrom("lava-7/bin/copied", source);
            cpio.AddSymlink("lava-7/bin/link", "run");
        }

        var unpacked = Path.Combine(_directory, "unpacked");
        Directory.CreateDirectory(unpacked);
        var (code, output) = await RunAsync(unpacked, archive, "cpio", "-i", "-d", "-m");

        Assert.True(code == 0, output);
        Assert.Equal("123", await File.ReadAllTextAsync(Path.Combine(unpacked, "lava-7/bin/odd")));
        Assert.Equal("#!/bin/sh\necho hi\n", await File.ReadAllTextAsync(Path.Combine(unpacked, "lava-7/bin/run")));
        Assert.Equal("#!/bin/sh\necho from disk\n", await File.ReadAllTextAsync(Path.Combine(unpacked, "lava-7/bin/copied")));
        Assert.Equal(0, new FileInfo(Path.Combine(unpacked, "lava-7/empty")).Length);
        Assert.Equal("run", new FileInfo(Path.Combine(unpacked, "lava-7/bin/link")).LinkTarget);
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(unpacked, "lava-7/bin/run")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(unpacked, "lava-7/bin/odd")));
        Assert.Equal((UnixFileMode)0x1E0, File.GetUnixFileMode(Path.Combine(unpacked, "lava-7/bin/copied")));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(Path.Combine(unpacked, "lava-7/bin")));
    }

    [Fact]
    public void Every_header_must_start_on_4_bytes_and_the_archive_must_end_with_the_trailer()
    {
        using var memory = new MemoryStream();
        using (var cpio = new CpioWriter(memory, leaveOpen: true))
        {
            cpio.AddDirectory("a");
            cpio.AddFile("a/b", "x");
            cpio.AddSymlink("a/c", "b");
            cpio.AddCharacterDevice("dev-console", 5, 1);
        }

        var bytes = memory.ToArray();
        var names = new List<string>();
        var offset = 0;
        while (true)
        {
            Assert.Equal(0, offset % 4);
            var header = Encoding.ASCII.GetString(bytes, offset, 110);
            Assert.StartsWith("070701", header, StringComparison.Ordinal);
            int Field(int index) => Convert.ToInt32(header.Substring(6 + (8 * index), 8), 16);
            var name = Encoding.ASCII.GetString(bytes, offset + 110, Field(11) - 1);
            names.Add(name);
            if (name == "TRAILER!!!")
            {
                break;
            }
            if (name == "dev-console")
            {
                Assert.Equal((0x2000 | 0x180, 5, 1), (Field(1), Field(9), Field(10)));
            }
            offset = Align(Align(offset + 110 + Field(11)) + Field(6));
        }

        Assert.Equal(["a", "a/b", "a/c", "dev-console", "TRAILER!!!"], names);
        Assert.Equal(bytes.Length, Align(offset + 110 + 11));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/../b")]
    [InlineData("/")]
    [InlineData("TRAILER!!!")]
    public void A_path_outside_the_archive_must_be_refused(string path)
    {
        using var cpio = new CpioWriter(new MemoryStream());

        Assert.Throws<ArgumentException>(() => cpio.AddDirectory(path));
    }

    [RequiresBusyboxFact]
    public async Task The_busybox_initramfs_must_hold_init_busybox_the_shell_and_the_console_node()
    {
        var initramfs = Path.Combine(_directory, "initramfs.cpio.gz");
        BusyboxInitramfs.Build(BusyboxInitramfs.FindBusybox()!, initramfs);

        var plain = Path.Combine(_directory, "initramfs.cpio");
        await using (var gzip = new GZipStream(File.OpenRead(initramfs), CompressionMode.Decompress))
        await using (var output = File.Create(plain))
        {
            await gzip.CopyToAsync(output);
        }
        var (code, listing) = await RunAsync(_directory, plain, "cpio", "-t", "-v");

        Assert.True(code == 0, listing);
        var lines = listing.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" init", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && l.EndsWith(" bin/busybox", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("lrwxrwxrwx", StringComparison.Ordinal) && l.EndsWith(" bin/sh -> busybox", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("crw-------", StringComparison.Ordinal) && l.Contains("dev/console", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("drwx------", StringComparison.Ordinal) && l.EndsWith(" root", StringComparison.Ordinal));
        Assert.Equal(new FileInfo(BusyboxInitramfs.FindBusybox()!).Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            lines.Single(l => l.EndsWith(" bin/busybox", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
    }

    private static int Align(int offset) => (offset + 3) & ~3;

    private static async Task<(int Code, string Output)> RunAsync(string directory, string stdinFile, params string[] arguments)
    {
        var start = new ProcessStartInfo(BusyboxInitramfs.FindBusybox()!, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var input = File.OpenRead(stdinFile))
        {
            await input.CopyToAsync(process.StandardInput.BaseStream);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A fact that needs busybox: skipped without it, except with CI=true where it fails.</summary>
internal sealed class RequiresBusyboxFactAttribute : FactAttribute
{
    public RequiresBusyboxFactAttribute()
    {
        if (BusyboxInitramfs.FindBusybox() is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "busybox-static is not installed (./lava test installs it): cpio checks skipped (with CI=true they fail instead)";
        }
    }
}
