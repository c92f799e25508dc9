using Xunit;

namespace Lava.Host.Worker.Tests;

public sealed class WorkerOptionsSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-worker-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string TokenFile(string name = "w1", string token = "t0k3n") =>
        Write($"{name}.token", $"# credentials\nname={name}\ntoken={token}\nfingerprint=AB:CD\n");

    [Fact]
    public void Parse_must_take_the_command_line_and_the_token_file()
    {
        var options = WorkerOptions.Parse(["--name", "w1", "--master", "10.0.0.1:4053", "--token-file", TokenFile()], environmentDataDir: null);

        Assert.Equal(("w1", "10.0.0.1", 4053, "t0k3n", "AB:CD"), (options.Name, options.MasterHost, options.MasterPort, options.Token, options.Fingerprint));
        Assert.Equal(Path.GetFullPath(Path.Combine(".lava", "worker-w1")), options.DataDir);
    }

    [Fact]
    public void Parse_must_fall_back_to_the_lava_worker_keys_of_the_config_file()
    {
        var config = Write("worker.conf", $"lava.worker {{\n  name = w1\n  master = \"master:4053\"\n  token-file = \"{TokenFile()}\"\n}}\nlava.data-dir = \"{_dir}/data\"\n");

        var options = WorkerOptions.Parse(["--config", config], environmentDataDir: null);

        Assert.Equal(("w1", "master", 4053), (options.Name, options.MasterHost, options.MasterPort));
        Assert.Equal(Path.Combine(_dir, "data"), options.DataDir);
        Assert.Equal("/env", WorkerOptions.Parse(["--config", config], environmentDataDir: "/env").DataDir);
        Assert.Equal("/arg", WorkerOptions.Parse(["--config", config, "--data-dir", "/arg"], environmentDataDir: "/env").DataDir);
    }

    [Fact]
    public void Parse_must_name_a_missing_argument_and_its_config_key()
    {
        var config = Write("empty.conf", "");

        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--config", config, "--name", "w1", "--token-file", TokenFile()], null));

        Assert.Equal($"missing --master (or lava.worker.master in {config})", error.Message);
    }

    [Fact]
    public void Parse_must_name_the_token_file_and_its_missing_field()
    {
        var token = Write("bad.token", "name=w1\ntoken=abc\n");

        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--name", "w1", "--master", "m:1", "--token-file", token], null));

        Assert.Equal($"token file {token} has no 'fingerprint=' line", error.Message);
    }

    [Fact]
    public void Parse_must_refuse_a_token_file_of_another_worker()
    {
        var error = Assert.Throws<WorkerUsageException>(() => WorkerOptions.Parse(["--name", "w2", "--master", "m:1", "--token-file", TokenFile("w1")], null));

        Assert.Contains("is for worker 'w1', not 'w2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_must_keep_an_empty_token_for_the_master_to_refuse()
    {
        var options = WorkerOptions.Parse(["--name", "w1", "--master", "m:1", "--token-file", TokenFile(token: "")], null);

        Assert.Equal("", options.Token);
    }
}
