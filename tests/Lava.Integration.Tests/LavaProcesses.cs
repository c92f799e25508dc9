using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Lava.Integration.Tests;

/// <summary>Finds the built Lava executables and runs them as real processes.</summary>
internal static partial class LavaProcesses
{
    private const int SigTerm = 15;

    /// <summary>
    /// The dll of <paramref name="project"/> built in the configuration these tests were built in: the project
    /// references build it first; when it is missing anyway (a partial build) it is built here.
    /// </summary>
    public static async Task<string> FindBuiltAsync(string project, string dll)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lava.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
        }

        var path = Path.Combine(root.FullName, project, "bin", configuration, testOutput.Name, dll);
        if (!File.Exists(path))
        {
            var build = await RunAsync(Dotnet(), ["build", Path.Combine(root.FullName, project), "-c", configuration], TimeSpan.FromMinutes(5));
            if (build.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"building {project} did not produce {path}: {build.Output}{build.Error}");
            }
        }

        return path;
    }

    /// <summary>LAVA_TEST_TIMEFACTOR (1 when unset): loaded machines stretch every deadline by it.</summary>
    public static double TimeFactor { get; } =
        double.TryParse(Environment.GetEnvironmentVariable("LAVA_TEST_TIMEFACTOR"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor >= 1 ? factor : 1;

    /// <summary><paramref name="deadline"/> stretched by <see cref="TimeFactor"/>.</summary>
    public static TimeSpan Dilated(TimeSpan deadline) => deadline * TimeFactor;

    /// <summary>The dotnet host the tests run under (exported by <c>dotnet test</c>), else the one on PATH.</summary>
    public static string Dotnet() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range, so lower than every port <see cref="FreeLoopbackPort"/>
    /// gives: Akka.NET makes the member with the lowest address the leader, and so the one whose split brain resolver decides.
    /// </summary>
    public static int FreeLoopbackPortBelowEphemeral()
    {
        var ephemeralFloor = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        for (var port = ephemeralFloor - 1000; port < ephemeralFloor; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }
        throw new InvalidOperationException($"no free loopback port in the thousand below {ephemeralFloor}");
    }

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string file, IEnumerable<string> args, TimeSpan deadline, IDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(file, args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not exit within {deadline}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Sends SIGTERM, as systemd and Ctrl-C do, so the process can shut down cleanly.</summary>
    public static void Terminate(Process process)
    {
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
