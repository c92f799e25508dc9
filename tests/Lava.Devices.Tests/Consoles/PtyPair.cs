using System.Diagnostics;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>Skips a fact, with the reason, when socat (and so a pty pair) is missing, except under CI where it must fail.</summary>
internal sealed class RequiresSocatFactAttribute : FactAttribute
{
    public RequiresSocatFactAttribute()
    {
        if (!PtyPair.SocatInstalled && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "socat is not installed (apt-get install -y socat): no pty pair to test a tty console on";
        }
    }
}

/// <summary>
/// Two connected pseudo-terminals made by <c>socat pty,raw,echo=0 pty,raw,echo=0</c>: <see cref="Device"/> plays a
/// board's serial port, <see cref="Board"/> is the board's side of the cable.
/// </summary>
internal sealed class PtyPair : IAsyncDisposable
{
    private readonly Process _socat;
    private readonly string _directory;

    private PtyPair(Process socat, string directory)
    {
        _socat = socat;
        _directory = directory;
    }

    public static bool SocatInstalled => FindOnPath("socat") is not null;

    public string Device => Path.Combine(_directory, "device");

    public string Board => Path.Combine(_directory, "board");

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    public static async Task<PtyPair> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("lava-pty-").FullName;
        var socat = Process.Start(new ProcessStartInfo("socat",
            ["-d", "-d", $"pty,raw,echo=0,link={directory}/device", $"pty,raw,echo=0,link={directory}/board"])
        { RedirectStandardError = true })!;
        socat.ErrorDataReceived += (_, _) => { };
        socat.BeginErrorReadLine();
        var pair = new PtyPair(socat, directory);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!File.Exists(pair.Device) || !File.Exists(pair.Board))
        {
            Assert.False(socat.HasExited, "socat exited before making the pty pair");
            await Task.Delay(20, deadline.Token);
        }
        return pair;
    }

    /// <summary>Opens the board's end for reading and writing raw bytes.</summary>
    public FileStream OpenBoard() => new(Board, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.Asynchronous);

    public async ValueTask DisposeAsync()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
        }
        await _socat.WaitForExitAsync();
        _socat.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
