using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Lava.Actors.Jobs.Logs;
using Xunit;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>Deploy actions downloading images over HTTP and from files, with checksums and decompression.</summary>
public sealed class DeployJobSpec
{
    private static readonly byte[] Kernel = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("kernel-bytes-", 200000)));
    private static readonly byte[] Rootfs = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("rootfs-", 5000)));

    private static string Job(string images, string extra = "") => $"""
        job_name: deploy
        visibility: public
        timeouts: {"{"}job: {"{"}minutes: 5{"}"}, action: {"{"}minutes: 1{"}"}{"}"}
        actions:
        - deploy:
            to: tmpfs
        {extra}    images:
        {images}
        """;

    [Fact]
    public async Task Tmpfs_deploy_must_download_check_and_decompress_each_image_into_the_job_directory()
    {
        var gz = Gzip(Rootfs);
        var xz = Xz(Rootfs);
        await using var server = new FileHttpServer(new() { ["Image"] = Kernel, ["rootfs.ext4.gz"] = gz, ["rootfs.ext4.xz"] = xz });
        await using var job = JobDirectory.Create();
        var dtb = job.Write("board.dtb", "dtb-content");
        job.Write("job.yaml", Job($"""
                  kernel: {"{"}url: '{server.Url("Image")}', md5sum: {Hex(MD5.HashData(Kernel))}{"}"}
                  rootfs: {"{"}url: '{server.Url("rootfs.ext4.gz")}', compression: gz, sha256sum: {Hex(SHA256.HashData(gz))}{"}"}
                  modules: {"{"}url: '{server.Url("rootfs.ext4.xz")}', compression: xz, sha512sum: {Hex(SHA512.HashData(xz))}{"}"}
                  dtb: {"{"}url: 'file://{dtb}'{"}"}
            """));

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        Assert.Equal(Kernel, File.ReadAllBytes(Path.Combine(job.Path, "kernel", "Image")));
        Assert.Equal(Rootfs, File.ReadAllBytes(Path.Combine(job.Path, "rootfs", "rootfs.ext4")));
        Assert.Equal(Rootfs, File.ReadAllBytes(Path.Combine(job.Path, "modules", "rootfs.ext4")));
        Assert.Equal("dtb-content\n", File.ReadAllText(Path.Combine(job.Path, "dtb", "board.dtb")));
        var text = job.LogText().ToList();
        Assert.Contains("debug: progress 100 % (2.5 MB)", text);
        Assert.True(text.Count(l => l.StartsWith("debug: progress", StringComparison.Ordinal)) >= 5, "progress must be logged as the download goes");
        var results = job.Results();
        Assert.Equal(["http-download", "http-download", "http-download", "file-download", "deployimages", "finalize", "job"], results.Select(r => r.Name));
        Assert.Equal("kernel/Image", results[0].Extra!["path"]);
        Assert.Equal(Kernel.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), results[0].Extra!["size"]);
    }

    [Fact]
    public async Task A_checksum_that_does_not_match_must_end_the_job_with_LAVAs_job_error()
    {
        await using var server = new FileHttpServer(new() { ["Image"] = Kernel });
        await using var job = JobDirectory.Create();
        job.Write("job.yaml", Job($"      kernel: {{url: '{server.Url("Image")}', sha256sum: \"{new string('0', 64)}\"}}"));

        await job.RunAsync();

        Assert.Equal(("fail", "Job", "SHA256 checksum for 'Image' does not match."), job.End());
        Assert.Equal(("http-download", "fail"), (job.Results()[0].Name, job.Results()[0].Result));
    }

    [Fact]
    public async Task Failure_retry_must_run_the_block_again_and_report_the_last_error()
    {
        await using var server = new FileHttpServer([]);
        await using var job = JobDirectory.Create();
        job.Write("job.yaml", Job($"      kernel: {{url: '{server.Url("missing")}'}}", extra: "    failure_retry: 2\n    failure_retry_interval: 1\n"));

        await job.RunAsync();

        var (result, errorType, errors) = job.End();
        Assert.Equal(("fail", "Job", $"Resource unavailable at '{server.Url("missing")}' (404)"), (result, errorType, errors));
        Assert.Contains(job.LogText(), l => l == $"error: deployimages failed: 1 of 2 attempts. '{errors}'");
        Assert.Equal(2, job.Results().Count(r => r.Name == "deployimages"));
    }

    [Fact]
    public async Task An_unknown_boot_method_must_be_a_job_error_naming_it_before_anything_runs()
    {
        await using var job = JobDirectory.Create();
        job.Write("job.yaml", """
            job_name: unknown
            visibility: public
            timeouts: {job: {minutes: 5}}
            actions:
            - boot: {method: frobnicate, prompts: ['# ']}
            """);

        await job.RunAsync();

        Assert.Equal(("fail", "Job", "Unknown boot method 'frobnicate'"), job.End());
        Assert.Equal(["start: 1 finalize (timeout 00:00:30) [common]"], job.Log().Select(r => r.Msg).OfType<LogText>().Select(t => t.Value).Where(t => t.StartsWith("start: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_user_command_must_run_its_do_and_its_undo_at_the_end()
    {
        await using var job = JobDirectory.Create();
        job.Write("device.yaml", $$"""
            commands:
              users:
                mark: {do: 'echo done > {{job.Path}}/do.txt', undo: 'echo undone > {{job.Path}}/undo.txt'}
            """);
        job.Write("job.yaml", """
            job_name: command
            visibility: public
            timeouts: {job: {minutes: 5}}
            actions:
            - command: {name: mark}
            """);

        await job.RunAsync();

        Assert.Equal(("pass", "", ""), job.End());
        Assert.Equal("done\n", File.ReadAllText(Path.Combine(job.Path, "do.txt")));
        Assert.Equal("undone\n", File.ReadAllText(Path.Combine(job.Path, "undo.txt")));
        Assert.Equal(["user-command", "user-command-undo", "finalize", "job"], job.Results().Select(r => r.Name));
    }

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }
        return buffer.ToArray();
    }

    private static byte[] Xz(byte[] data)
    {
        var start = new ProcessStartInfo("xz", "-c") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(data);
        process.StandardInput.Close();
        reading.Wait();
        process.WaitForExit();
        return output.ToArray();
    }
}
