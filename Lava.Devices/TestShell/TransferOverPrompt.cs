using System.Text;

namespace Lava.Devices.TestShell;

/// <summary>
/// The shell commands that bring an overlay (a gzipped tar) onto a board that has only its console: the archive in
/// base64, appended to a file in here-documents of a few kilobytes each (one command per chunk, so the sender waits
/// for the prompt between chunks and no line buffer overflows), then decoded and unpacked. Needs <c>base64</c> and
/// <c>tar</c> with gzip on the board (busybox has both). The last command prints <see cref="Unpacked"/> or
/// <see cref="Failed"/>, typed so that the echo of the command itself matches neither.
/// </summary>
public static class TransferOverPrompt
{
    /// <summary>What the last command prints when the overlay is in place.</summary>
    public const string Unpacked = "LAVA_OVERLAY_UNPACKED";

    /// <summary>What the last command prints when decoding or unpacking failed.</summary>
    public const string Failed = "LAVA_OVERLAY_FAILED";

    private const string EndMarker = "LAVA_OVERLAY_EOF";
    private const int LineLength = 76;

    /// <summary>
    /// The commands, in order; send each (it may span several lines) and wait for the prompt before the next.
    /// <paramref name="directory"/> is where the archive is unpacked (<c>/</c> for an absolute overlay root,
    /// <c>.</c> for one relative to the shell's directory); <paramref name="file"/> is the temporary base64 file.
    /// </summary>
    public static IReadOnlyList<string> Commands(ReadOnlySpan<byte> tarGz, string directory = "/", int linesPerChunk = 64, string file = "/tmp/lava-overlay.tar.gz.b64")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerChunk);
        var encoded = Convert.ToBase64String(tarGz);
        var lines = Enumerable.Range(0, (encoded.Length + LineLength - 1) / LineLength)
            .Select(i => encoded.Substring(i * LineLength, Math.Min(LineLength, encoded.Length - (i * LineLength))))
            .ToList();
        var quotedFile = TreeText.ShellQuote(file);
        var commands = new List<string> { $"rm -f {quotedFile}" };
        foreach (var chunk in lines.Chunk(linesPerChunk))
        {
            var command = new StringBuilder($"cat >> {quotedFile} <<'{EndMarker}'\n");
            foreach (var line in chunk)
            {
                command.Append(line).Append('\n');
            }
            commands.Add(command.Append(EndMarker).ToString());
        }
        var quotedDirectory = TreeText.ShellQuote(directory);
        commands.Add(
            $"mkdir -p {quotedDirectory} && base64 -d {quotedFile} | tar -C {quotedDirectory} -xzf - && rm -f {quotedFile} " +
            $"&& echo LAVA_OVERLAY_\"UNPACKED\" || echo LAVA_OVERLAY_\"FAILED\"");
        return commands;
    }
}
