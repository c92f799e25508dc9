using Lava.Actors.Configuration;
using Lava.Actors.Security;
using Xunit;

namespace Lava.Host.Worker.Tests;

public sealed class WorkerOptionsSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-worker-options-").FullName;
    private readonly Lazy<CertificateAuthority> _authority;

    public WorkerOptionsSpec() => _authority = new(() => CertificateAuthority.LoadOrCreate(Path.Combine(_dir, "ca")));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A credentials file as `lava workers add NAME --token-file F` writes it, issued by a real lab CA.</summary>
    private string CredentialsFile(string name = "w1", string master = "10.0.0.1:4053")
    {
        var path = Path.Combine(_dir, $"{name}.credentials");
        WorkerCredentials.FromIssued(name, master, _authority.Value.IssueWorker(name)).Write(path);
        return path;
    }

    [Fact]
    public void Parse_must_take_the_command_line_and_the_credentials_file()
    {
        var options = WorkerOptions.Parse(["--name", "w1", "--master", "10.0.0.2:5000", "--token-file", CredentialsFile()], environmentDataDir: null);

        Assert.Equal(("w1", "10.0.0.2", 5000), (options.Name, options.MasterHost, options.MasterPort));
        Assert.Equal("w1", options.Credentials.Name);
        Assert.Equal(("127.0.0.1", 0), (options.Hostname, options.Port));
        Assert.Equal(Path.GetFullPath(Path.Combine(".lava", "worker-w1")), options.DataDir);
    }

    [Fact]
    public void Parse_must_take_the_master_from_the_credentials_file_when_none_is_given()
    {
        var options = WorkerOptions.Parse(["--name", "w1", "--token-file", CredentialsFile(master: "lab-master:4053")], environmentDataDir: null);

        Assert.Equal(("lab-master", 4053), (options.MasterHost, options.MasterPort));
    }

    [Fact]
    public void Parse_must_fall_back_to_the_lava_worker_keys_of_the_config_file()
    {
        var config = Write("worker.conf", $"lava.worker {{\n  name = w1\n  master = \"master:4053\"\n  token-file = \"{CredentialsFile()}\"\n  endpoint = \"10.1.1.1:4100\"\n}}\nlava.data-dir = \"{_dir}/data\"\n");

        var options = WorkerOptions.Parse(["--config", config], environmentDataDir: null);

        Assert.Equal(("w1", "master", 4053), (options.Name, options.MasterHost, options.MasterPort));
        Assert.Equal(("10.1.1.1", 4100), (options.Hostname, options.Port));
        Assert.Equal(Path.Combine(_dir, "data"), options.DataDir);
        Assert.Equal("/env", WorkerOptions.Parse(["--config", config], environmentDataDir: "/env").DataDir);
        Assert.Equal("/arg", WorkerOptions.Parse(["--config", config, "--data-dir", "/arg"], environmentDataDir: "/env").DataDir);
    }

    [Fact]
    public void The_job_runner_must_be_the_configured_command_or_this_executable_with_run_job()
    {
        var configured = Write("runner.conf", "lava.worker.runner-command = [\"/bin/sh\", \"runner.sh\"]\nlava.worker.runner-stop-grace = 3s\n");
        var options = WorkerOptions.Parse(["--config", configured, "--name", "w1", "--token-file", CredentialsFile()], environmentDataDir: null);
        Assert.Equal(["/bin/sh", "runner.sh"], options.RunnerCommand);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)), (options.RunnerStopGrace, options.ResendInterval));

        var defaults = WorkerOptions.Parse(["--name", "w1", "--token-file", CredentialsFile()], environmentDataDir: null);
        Assert.Equal("run-job", defaults.RunnerCommand[^1]);
        Assert.True(File.Exists(defaults.RunnerCommand[0]));
        Assert.Equal(["/usr/bin/dotnet", "/opt/lava/Lava.Host.Worker.dll"], WorkerOptions.OwnCommand("/usr/bin/dotnet", "/opt/lava/Lava.Host.Worker.dll"));
        Assert.Equal(["/opt/lava/Lava.Host.Worker"], WorkerOptions.OwnCommand("/opt/lava/Lava.Host.Worker", "/opt/lava/Lava.Host.Worker.dll"));
    }

    [Fact]
    public void Parse_must_name_a_missing_argument_and_its_config_key()
    {
        var config = Write("empty.conf", "");

        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--config", config, "--token-file", CredentialsFile()], null));

        Assert.Equal($"missing --name (or lava.worker.name in {config})", error.Message);
    }

    [Fact]
    public void Parse_must_name_the_credentials_file_and_its_missing_key()
    {
        var file = Write("bad.credentials", "name=w1\nmaster=m:1\n");

        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--name", "w1", "--token-file", file], null));

        Assert.StartsWith($"token file {file}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_must_refuse_the_credentials_of_another_worker()
    {
        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--name", "w2", "--token-file", CredentialsFile("w1")], null));

        Assert.Contains("is for worker 'w1', not 'w2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_must_name_the_line_of_a_broken_config_file()
    {
        var config = Write("broken.conf", "lava.worker {\n  name = w1\n  master = [\n");

        var error = Assert.Throws<LavaConfigException>(() => WorkerOptions.Parse(["--config", config], null));

        Assert.StartsWith($"{config}:3: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_must_refuse_an_endpoint_that_is_not_host_and_port()
    {
        var config = Write("endpoint.conf", "lava.worker.endpoint = \"nowhere\"\n");

        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--config", config, "--name", "w1", "--token-file", CredentialsFile()], null));

        Assert.Equal($"lava.worker.endpoint in {config}: 'nowhere' is not HOST:PORT", error.Message);
    }
}
