using System.Text;
using Lava.Devices.TestShell;
using Xunit;

namespace Lava.Devices.Tests.TestShell;

/// <summary>The overlay's layout, its archives read by the real tar and cpio, and its helpers run by a real sh.</summary>
public sealed class OverlaySpec : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lava-overlay-spec-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_tar_gz_must_unpack_with_tar_into_lavas_layout()
    {
        var overlay = await SmokeOverlayAsync("/lava-%s");
        File.WriteAllBytes(Path.Combine(_work, "overlay.tar.gz"), overlay.ToTarGz());

        var (code, listing) = await TestShellFixtures.RunAsync("tar", _work, "-tzvf", "overlay.tar.gz");

        Assert.Equal(0, code);
        Assert.Contains("lava-42/bin/lava-test-runner", listing, StringComparison.Ordinal);
        Assert.Contains("lava-42/0/lava-test-runner.conf", listing, StringComparison.Ordinal);
        Assert.Contains("lava-42/0/tests/0_smoke/run.sh", listing, StringComparison.Ordinal);
        Assert.Matches(@"-rwxr-xr-x\s.*lava-42/bin/lava-test-case", listing);
        Assert.Equal("/lava-42/bin/lava-test-runner /lava-42/0", overlay.RunnerCommand(0));
    }

    [Fact]
    public async Task The_cpio_must_list_and_extract_with_busybox_cpio()
    {
        var overlay = await SmokeOverlayAsync("lava-%s");
        File.WriteAllBytes(Path.Combine(_work, "overlay.cpio"), overlay.ToCpio());
        var extract = Directory.CreateDirectory(Path.Combine(_work, "x")).FullName;

        var (listCode, listing) = await TestShellFixtures.RunAsync("busybox", _work, "cpio", "-t", "-F", "overlay.cpio");
        var (extractCode, _) = await TestShellFixtures.RunAsync("busybox", extract, "cpio", "-i", "-d", "-F", "../overlay.cpio");

        Assert.Equal((0, 0), (listCode, extractCode));
        var names = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => !n.EndsWith(" blocks", StringComparison.Ordinal)).ToArray();
        Assert.Equal(overlay.Entries.Count + 1, names.Length);
        Assert.Equal("lava-42", names[0]);
        var runner = Path.Combine(extract, "lava-42/bin/lava-test-runner");
        Assert.Equal(overlay.Entries.Single(e => e.Path == "bin/lava-test-runner").Content, File.ReadAllBytes(runner));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(runner).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("0_smoke\n", string.Concat(File.ReadAllText(Path.Combine(extract, "lava-42/0/lava-test-runner.conf")).Split('/')[1]));
    }

    [Fact]
    public async Task The_runner_must_print_lavas_signals_when_run_by_sh()
    {
        var overlay = await SmokeOverlayAsync("lava-%s");
        overlay.WriteTo(_work);

        var (code, output) = await TestShellFixtures.RunAsync("sh", _work, "-c", $"{overlay.RunnerCommand(0)} < /dev/null");

        Assert.Equal(0, code);
        var signals = new SignalParser().Feed(output);
        Assert.Equal(
            [
                new StartRun("0_smoke", "42_0.0"),
                new StartTestCase("always-true"), new EndTestCase("always-true"),
                new StartTestCase("always-false"), new EndTestCase("always-false"),
                new TestSetStart("network"), new TestSetStop(), new EndRun("0_smoke", "42_0.0"), new RunnerExit(),
            ],
            signals.Where(s => s is not TestCase));
        Assert.Equal(
            ["always-true pass", "always-false fail", "boot-time pass 12.7 s", "ping fail", "params pass"],
            signals.OfType<TestCase>().Select(t => string.Join(' ', new[] { t.Id, t.Result, t.Measurement, t.Units }.OfType<string>())));
        Assert.Contains("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=boot-time RESULT=pass UNITS=s MEASUREMENT=12.7>", output, StringComparison.Ordinal);
        var results = Directory.GetDirectories(Path.Combine(_work, "lava-42/0/results")).Single();
        Assert.Equal("12.7\n", File.ReadAllText(Path.Combine(results, "results/boot-time/measurement")));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(results, "return_code")));
    }

    [Fact]
    public async Task A_failing_install_must_print_install_fail_and_multinode_helpers_must_read_their_files()
    {
        var definitions = await TestShellFixtures.FetchAsync("""
            - from: inline
              name: broken
              path: inline/broken.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: broken}
                install: {steps: ["false"]}
                run: {steps: ["lava-test-case never --result pass"]}
            - from: inline
              name: group
              path: inline/group.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: group}
                run: {steps: ['lava-test-case role-$(lava-role) --result pass', 'lava-test-case peer-$(lava-group client) --result pass']}
            """, _work);
        var overlay = Overlay.Build(
            new OverlayOptions { JobId = "7", ResultsDirectory = "lava-%s", Multinode = new MultinodeInfo("7", "server", [new("7", "server"), new("8", "client")]) },
            definitions);
        overlay.WriteTo(_work);

        var (_, output) = await TestShellFixtures.RunAsync("sh", _work, "-c", $"{overlay.RunnerCommand(0)} < /dev/null");

        var signals = new SignalParser().Feed(output);
        Assert.IsType<RunnerInstallFail>(signals[0]);
        Assert.Equal(["role-server", "peer-8"], signals.OfType<TestCase>().Select(t => t.Id));
    }

    private async Task<Overlay> SmokeOverlayAsync(string root) =>
        Overlay.Build(new OverlayOptions { JobId = "42", ResultsDirectory = root }, await TestShellFixtures.FetchAsync(TestShellFixtures.SmokeDefinitions, Path.Combine(_work, "defs")));
}
