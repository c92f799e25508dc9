using System.CommandLine;
using System.Text.Json;
using Lava.Actors.Security;
using Lava.Cli.Api;

namespace Lava.Cli.Commands;

/// <summary>
/// <c>lava-cli workers …</c>: the admin verbs on workers, through the running master's REST API. The master is
/// <c>--url</c>, else $LAVA_URL, else http://127.0.0.1:8000; the token <c>--token</c>, else $LAVA_TOKEN, else
/// the master's <c>admin.token</c> in $LAVA_DATA_DIR (default <c>.lava</c>).
/// </summary>
internal static class WorkersCommand
{
    private const string DefaultUrl = "http://127.0.0.1:8000";

    internal static readonly Option<string?> Url = new("--url") { Description = "The master's HTTP address (default $LAVA_URL, else " + DefaultUrl + ").", Recursive = true };
    internal static readonly Option<string?> Token = new("--token") { Description = "An admin API token (default $LAVA_TOKEN, else the master's admin.token).", Recursive = true };

    public static Command Create()
    {
        var workers = new Command("workers", "Manage the workers allowed to join the master.");
        workers.Options.Add(Url);
        workers.Options.Add(Token);
        workers.Subcommands.Add(CreateAdd());
        workers.Subcommands.Add(CreateList());
        workers.Subcommands.Add(HostVerb("show", "Show a worker.", (c, h, ct) => c.GetAsync($"workers/{Uri.EscapeDataString(h)}/", ct), PrintWorker));
        workers.Subcommands.Add(HostVerb("enable", "Enable a worker and set its health to Active.", Post("enable"), PrintChange("enabled")));
        workers.Subcommands.Add(HostVerb("disable", "Disable a worker: it is refused and disconnected.", Post("disable"), PrintChange("disabled")));
        workers.Subcommands.Add(HostVerb("maintenance", "Set a worker's health to Maintenance: it stays connected, its devices are not scheduled.", Post("maintenance"), PrintChange("in maintenance")));
        workers.Subcommands.Add(HostVerb("retire", "Set a worker's health to Retired: it is refused and disconnected.", Post("retire"), PrintChange("retired")));
        workers.Subcommands.Add(HostVerb("revoke", "Revoke a worker's certificate: it is refused and disconnected until a new one is issued (workers token).", Post("revoke"), PrintChange("revoked")));
        workers.Subcommands.Add(CreateToken());
        return workers;
    }

    private static Command CreateAdd()
    {
        var host = HostArgument();
        var description = new Option<string?>("--description") { Description = "Free text shown to admins." };
        var health = new Option<string?>("--health") { Description = "ACTIVE (default), MAINTENANCE or RETIRED." };
        health.AcceptOnlyFromAmong("ACTIVE", "MAINTENANCE", "RETIRED");
        var disabled = new Option<bool>("--disabled") { Description = "Create the worker Retired (as LAVA's workers.add does)." };
        var tokenFile = TokenFileOption();
        var add = new Command("add", "Add a worker and write its credentials (certificate, private key, lab CA) to --token-file, else NAME.token.");
        add.Arguments.Add(host);
        add.Options.Add(description);
        add.Options.Add(health);
        add.Options.Add(disabled);
        add.Options.Add(tokenFile);
        add.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var name = parse.GetValue(host)!;
            var file = CheckedCredentialsPath(parse.GetValue(tokenFile), name);
            var body = new Dictionary<string, object?> { ["hostname"] = name, ["description"] = parse.GetValue(description) ?? "" };
            if (parse.GetValue(health) is { } h)
            {
                body["health"] = h;
            }

            if (parse.GetValue(disabled))
            {
                body["disabled"] = true;
            }

            var created = await client.PostAsync("workers/", body, ct);
            output.WriteLine($"Worker {Text(created, "hostname")} added ({Text(created, "health")}).");
            SaveCredentials(created, file, output);
        }, ct));
        return add;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List every worker, retired ones included.");
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var lines = new List<string>();
            string? next = "workers/?limit=100";
            while (next is not null)
            {
                var page = await client.GetAsync(next, ct);
                lines.AddRange(page.GetProperty("results").EnumerateArray().Select(w => $"* {Text(w, "hostname")} ({Summary(w)})"));
                next = page.GetProperty("next").GetString();
            }

            output.WriteLine("Workers:");
            lines.ForEach(output.WriteLine);
        }, ct));
        return list;
    }

    private static Command CreateToken()
    {
        var host = HostArgument();
        var tokenFile = TokenFileOption();
        var verb = new Command(
            "token",
            "Issue a worker a new certificate (lifting a revocation) and write its credentials as add does; the old certificate is refused at once.");
        verb.Aliases.Add("certificate");
        verb.Arguments.Add(host);
        verb.Options.Add(tokenFile);
        verb.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var name = parse.GetValue(host)!;
            var file = CheckedCredentialsPath(parse.GetValue(tokenFile), name);
            var issued = await Post("certificate")(client, name, ct);
            output.WriteLine($"Worker {Text(issued, "hostname")} has a new certificate ({Summary(issued)}).");
            SaveCredentials(issued, file, output);
        }, ct));
        return verb;
    }

    private static Command HostVerb(
        string name,
        string description,
        Func<MasterClient, string, CancellationToken, Task<JsonElement>> call,
        Action<JsonElement, ParseResult, TextWriter> print)
    {
        var host = HostArgument();
        var command = new Command(name, description);
        command.Arguments.Add(host);
        command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
            print(await call(client, parse.GetValue(host)!, ct), parse, output), ct));
        return command;
    }

    private static Func<MasterClient, string, CancellationToken, Task<JsonElement>> Post(string action) =>
        (client, host, ct) => client.PostAsync($"workers/{Uri.EscapeDataString(host)}/{action}/", body: null, ct);

    private static Action<JsonElement, ParseResult, TextWriter> PrintChange(string change) =>
        (worker, _, output) => output.WriteLine($"Worker {Text(worker, "hostname")} {change} ({Summary(worker)}).");

    private static void PrintWorker(JsonElement worker, ParseResult parse, TextWriter output)
    {
        output.WriteLine($"hostname      : {Text(worker, "hostname")}");
        output.WriteLine($"description   : {Text(worker, "description")}");
        output.WriteLine($"state         : {Text(worker, "state")}");
        output.WriteLine($"health        : {Text(worker, "health")}");
        output.WriteLine($"enabled       : {(worker.GetProperty("enabled").GetBoolean() ? "yes" : "no")}");
        output.WriteLine($"revoked       : {(worker.GetProperty("revoked").GetBoolean() ? "yes" : "no")}");
        output.WriteLine($"last ping     : {(worker.GetProperty("last_ping").ValueKind == JsonValueKind.Null ? "never" : Text(worker, "last_ping"))}");
        output.WriteLine($"job limit     : {worker.GetProperty("job_limit").GetInt32()}");
    }

    /// <summary>
    /// Writes the credentials the master answered with, which it shows this once, to <paramref name="path"/>:
    /// a private key belongs in an owner-only file, not on a terminal.
    /// </summary>
    private static void SaveCredentials(JsonElement issued, string path, TextWriter output)
    {
        var credentials = WorkerCredentialsFile.From(issued);
        try
        {
            credentials.Write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException(
                $"cannot write {path}: {e.Message}; the certificate the master just issued is lost with its key: " +
                $"run `workers token {credentials.Name} --token-file FILE` for a new one",
                LavaCli.ExitApiError);
        }

        output.WriteLine($"Credentials (certificate, private key, lab CA, master {credentials.MasterAddress}) written to {path}, readable by you only.");
        output.WriteLine("Start the worker with:");
        output.WriteLine($"  ./lava worker --name {credentials.Name} --master {credentials.MasterAddress} --token-file {path}");
        output.WriteLine($"  or, installed with systemd: copy the file to /etc/lava/workers/{credentials.Name}.token and run: systemctl enable --now lava-worker@{credentials.Name}");
    }

    /// <summary>The full path of the credentials file, checked before the master is asked so that no certificate is issued in vain.</summary>
    private static string CheckedCredentialsPath(string? file, string name)
    {
        var path = Path.GetFullPath(file ?? name + ".token");
        return Directory.Exists(Path.GetDirectoryName(path))
            ? path
            : throw new CommandFailedException($"--token-file: the directory of {path} does not exist", LavaCli.ExitInvalidInput);
    }

    /// <summary>Connects to the master (--url, --token as described above) and runs <paramref name="action"/>, turning refusals into messages and exit codes.</summary>
    internal static async Task<int> RunAsync(ParseResult parse, Func<MasterClient, TextWriter, Task> action, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var url = parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("LAVA_URL") ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error.WriteLine($"--url: '{url}' is not an http:// or https:// address");
            return LavaCli.ExitInvalidInput;
        }

        if (ResolveToken(parse) is not { } token)
        {
            error.WriteLine($"no API token: pass --token, set LAVA_TOKEN, or run where the master's {AdminTokenPath()} is readable");
            return LavaCli.ExitInvalidInput;
        }

        using var client = new MasterClient(url, token);
        try
        {
            await action(client, output);
            return 0;
        }
        catch (MasterApiException e)
        {
            error.WriteLine(e.Message);
            return LavaCli.ExitApiError;
        }
        catch (CommandFailedException e)
        {
            error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }

    private static string? ResolveToken(ParseResult parse)
    {
        if (parse.GetValue(Token) is { Length: > 0 } given)
        {
            return given;
        }

        if (Environment.GetEnvironmentVariable("LAVA_TOKEN") is { Length: > 0 } variable)
        {
            return variable;
        }

        try
        {
            return File.ReadAllText(AdminTokenPath()).Trim() is { Length: > 0 } stored ? stored : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string AdminTokenPath() =>
        Path.Combine(Environment.GetEnvironmentVariable("LAVA_DATA_DIR") is { Length: > 0 } dir ? dir : ".lava", "admin.token");

    private static Argument<string> HostArgument() => new("HOST") { Description = "The worker's hostname." };

    private static Option<string?> TokenFileOption() =>
        new("--token-file") { Description = "Where to write the worker's credentials file (mode 0600, replaced if it exists); default NAME.token." };

    private static string Summary(JsonElement worker)
    {
        var parts = new List<string> { Text(worker, "state"), Text(worker, "health") };
        if (!worker.GetProperty("enabled").GetBoolean())
        {
            parts.Add("disabled");
        }

        if (worker.GetProperty("revoked").GetBoolean())
        {
            parts.Add("revoked");
        }

        return string.Join(", ", parts);
    }

    internal static string Text(JsonElement element, string property) => element.GetProperty(property).GetString() ?? "";
}
