using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lava.Devices.Pipeline.Deploy;

/// <summary>
/// LAVA's <c>http-download</c> / <c>file-download</c>: copies one image (http, https or file URL) into
/// <c>JOBDIR/LABEL/NAME</c>, logging progress every 5 %, checks the <c>md5sum</c>/<c>sha256sum</c>/<c>sha512sum</c>
/// of what was downloaded (a mismatch is a job error, as LAVA's "MD5 checksum for 'NAME' does not match."),
/// decompresses (<c>compression: gz|xz|bz2|zstd</c>) and notes the file under its label for the boot actions.
/// An unreachable server is an infrastructure error; a missing resource a job error.
/// </summary>
public sealed class DownloadAction(string label, Uri url, OrderedDictionary<object, object?> image)
    : PipelineAction(url.IsFile ? "file-download" : "http-download")
{
    private static readonly HttpClient Http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan }; // the action's deadline rules

    private static readonly Dictionary<string, string[]> Decompressors = new(StringComparer.Ordinal)
    {
        ["xz"] = ["xz", "-dc"],
        ["bz2"] = ["bzip2", "-dc"],
        ["zstd"] = ["zstd", "-dc"],
    };

    public override IEnumerable<string> Validate(PipelineContext context)
    {
        if (image.GetValueOrDefault("compression") is string compression && compression != "gz" && !Decompressors.ContainsKey(compression))
        {
            yield return $"Unknown 'compression' format '{compression}'";
        }
    }

    public override async Task RunAsync(ActionScope scope, CancellationToken deadline)
    {
        var context = scope.Context;
        var compression = image.GetValueOrDefault("compression") as string;
        var fileName = Path.GetFileName(url.LocalPath) is { Length: > 0 } name ? name : label;
        var target = compression is null ? fileName : Path.GetFileNameWithoutExtension(fileName);
        var relative = Path.Combine(label, target);
        var directory = Path.Combine(context.JobDirectory, label);
        Directory.CreateDirectory(directory);
        var downloaded = Path.Combine(directory, fileName + ".download");
        context.Info($"downloading {url}");
        context.Info($"saving as {Path.Combine(context.JobDirectory, relative)}");

        var hashes = await DownloadAsync(context, downloaded, deadline).ConfigureAwait(false);
        Check(context, "md5sum", "MD5", hashes.Md5, fileName);
        Check(context, "sha256sum", "SHA256", hashes.Sha256, fileName);
        Check(context, "sha512sum", "SHA512", hashes.Sha512, fileName);
        await DecompressAsync(context, compression, downloaded, Path.Combine(context.JobDirectory, relative), deadline).ConfigureAwait(false);

        context.Downloads[label] = relative;
        scope.Extra["label"] = label;
        scope.Extra["url"] = url.ToString();
        scope.Extra["size"] = hashes.Size.ToString(CultureInfo.InvariantCulture);
        scope.Extra["md5sum"] = hashes.Md5;
        scope.Extra["sha256sum"] = hashes.Sha256;
        scope.Extra["sha512sum"] = hashes.Sha512;
        scope.Extra["path"] = relative;
    }

    private async Task<(long Size, string Md5, string Sha256, string Sha512)> DownloadAsync(PipelineContext context, string path, CancellationToken deadline)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var started = context.Clock.GetTimestamp();
        long size = 0;
        try
        {
            var (source, length, response) = await OpenAsync(deadline).ConfigureAwait(false);
            using var _ = response;
            await using (source.ConfigureAwait(false))
            await using (var output = File.Create(path))
            {
                if (length is { } total)
                {
                    context.Debug($"total size: {total} ({total / 1048576.0:F0} MB)");
                }
                var buffer = new byte[81920];
                var lastPercent = -5;
                int read;
                while ((read = await source.ReadAsync(buffer, deadline).ConfigureAwait(false)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    sha256.AppendData(buffer, 0, read);
                    sha512.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), deadline).ConfigureAwait(false);
                    size += read;
                    if (length is > 0 && (int)(size * 100 / length.Value) is var percent && percent >= lastPercent + 5)
                    {
                        lastPercent = percent - percent % 5;
                        context.Debug(string.Create(CultureInfo.InvariantCulture, $"progress {lastPercent,3} % ({size / 1048576.0:F1} MB)"));
                    }
                }
            }
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new InfrastructureError($"Unable to download '{url}': {e.Message}", e);
        }
        catch (IOException e) when (!url.IsFile)
        {
            throw new InfrastructureError($"Unable to download '{url}': {e.Message}", e);
        }
        var elapsed = context.Clock.GetElapsedTime(started).TotalSeconds;
        context.Info(string.Create(CultureInfo.InvariantCulture,
            $"{size / 1048576.0:F1} MB downloaded in {elapsed:F2} seconds ({(elapsed > 0 ? size / 1048576.0 / elapsed : 0):F2} MB/s)"));
        var result = (size, Hex(md5), Hex(sha256), Hex(sha512));
        context.Info($"md5sum {result.Item2}");
        context.Info($"sha256sum {result.Item3}");
        context.Info($"sha512sum {result.Item4}");
        return result;
    }

    private async Task<(Stream Source, long? Length, IDisposable? Response)> OpenAsync(CancellationToken deadline)
    {
        if (url.IsFile)
        {
            if (!File.Exists(url.LocalPath))
            {
                throw new JobError($"Resource unavailable at '{url}' (file not found)");
            }
            var file = File.OpenRead(url.LocalPath);
            return (file, file.Length, null);
        }
        var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var code = (int)response.StatusCode;
            response.Dispose();
            throw new JobError($"Resource unavailable at '{url}' ({code})");
        }
        var stream = await response.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
        return (stream, response.Content.Headers.ContentLength, response);
    }

    private void Check(PipelineContext context, string key, string name, string actual, string fileName)
    {
        // YAML reads an all-digit checksum as a number: compare its text
        if (DeviceConfiguration.Text(image.GetValueOrDefault(key)) is not { Length: > 0 } expected)
        {
            return;
        }
        if (!string.Equals(expected.Trim(), actual, StringComparison.OrdinalIgnoreCase))
        {
            context.Error($"{key} of downloaded content: {actual}");
            throw new JobError($"{name} checksum for '{fileName}' does not match.");
        }
    }

    private static async Task DecompressAsync(PipelineContext context, string? compression, string downloaded, string target, CancellationToken deadline)
    {
        if (compression is null)
        {
            File.Move(downloaded, target, overwrite: true);
            return;
        }
        context.Debug($"Decompressing ({compression}) into {target}");
        if (compression == "gz")
        {
            await using (var input = File.OpenRead(downloaded))
            await using (var gz = new GZipStream(input, CompressionMode.Decompress))
            await using (var output = File.Create(target))
            {
                try
                {
                    await gz.CopyToAsync(output, deadline).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new JobError($"Unable to decompress '{Path.GetFileName(downloaded)}' ({compression}): {e.Message}", e);
                }
            }
            File.Delete(downloaded);
            return;
        }
        await RunDecompressorAsync(Decompressors[compression], downloaded, target, deadline).ConfigureAwait(false);
        File.Delete(downloaded);
    }

    // xz, bzip2 and zstd have no decoder in .NET: the worker's tools do it, as LAVA's decompress commands.
    private static async Task RunDecompressorAsync(string[] tool, string input, string target, CancellationToken deadline)
    {
        var start = new ProcessStartInfo(tool[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in tool.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(input);
        using var process = Process.Start(start) ?? throw new InfrastructureError($"Unable to start {tool[0]}");
        await using (var output = File.Create(target))
        {
            var errors = process.StandardError.ReadToEndAsync(deadline);
            await process.StandardOutput.BaseStream.CopyToAsync(output, deadline).ConfigureAwait(false);
            await process.WaitForExitAsync(deadline).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new JobError($"Unable to decompress '{Path.GetFileName(input)}' with {tool[0]}: {(await errors.ConfigureAwait(false)).Trim()}");
            }
        }
    }

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
