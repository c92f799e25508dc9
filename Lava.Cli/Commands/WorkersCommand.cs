using System.CommandLine;
using System.Text.Json;
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

    private static readonly Option<string?> Url = new("--url") { Description = "The master's HTTP address (default $LAVA_URL, else " + DefaultUrl + ").", Recursive = true };
    private static readonly Option<string?> Token = new("--token") { Description = "An admin API token (default $LAVA_TOKEN, else the master's admin.token).", Recursive = true };

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
        workers.Subcommands.Add(HostVerb("revoke", "Revoke a worker's token: it is refused and disconnected until a new token is issued.", Post("revoke"), PrintChange("revoked")));
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
        var add = new Command("add", "Add a worker and print its token once (or write it to --token-file).");
        add.Arguments.Add(host);
        add.Options.Add(description);
        add.Options.Add(health);
        add.Options.Add(disabled);
        add.Options.Add(tokenFile);
        add.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var body = new Dictionary<string, object?> { ["hostname"] = parse.GetValue(host), ["description"] = parse.GetValue(description) ?? "" };
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
            PrintCredentials(created, parse.GetValue(tokenFile), output);
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
        var tokenFile = TokenFileOption();
        var verb = HostVerb(
            "token",
            "Issue a new token to a worker (lifting a revocation); the old one stops working at once.",
            Post("token"),
            (worker, parse, output) => PrintCredentials(worker, parse.GetValue(tokenFile), output));
        verb.Options.Add(tokenFile);
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
        output.WriteLine($"token revoked : {(worker.GetProperty("token_revoked").GetBoolean() ? "yes" : "no")}");
        output.WriteLine($"last ping     : {(worker.GetProperty("last_ping").ValueKind == JsonValueKind.Null ? "never" : Text(worker, "last_ping"))}");
        output.WriteLine($"job limit     : {worker.GetProperty("job_limit").GetInt32()}");
    }

    private static void PrintCredentials(JsonElement issued, string? tokenFile, TextWriter output)
    {
        var name = Text(issued, "hostname");
        var fingerprint = Text(issued, "certificate_fingerprint");
        var master = Text(issued, "cluster_endpoint");
        if (tokenFile is null)
        {
            // LAVA's "manage workers add" prints the token the same way; it is not shown again.
            output.WriteLine($"Token: {Text(issued, "token")}");
            output.WriteLine($"Master certificate fingerprint (SHA-256): {fingerprint}");
            output.WriteLine("Start the worker with a token file holding name=, token= and fingerprint= lines (--token-file writes one):");
        }
        else
        {
            TokenFile.Write(tokenFile, name, Text(issued, "token"), fingerprint);
            output.WriteLine($"Token written to {Path.GetFullPath(tokenFile)}");
            output.WriteLine($"Master certificate fingerprint (SHA-256): {fingerprint}");
            output.WriteLine("Start the worker with:");
        }

        output.WriteLine($"  Lava.Host.Worker --name {name} --master {master} --token-file {tokenFile ?? "FILE"}");
        output.WriteLine($"  or, installed with systemd: copy the file to /etc/lava/workers/{name}.token and run: systemctl enable --now lava-worker@{name}");
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<MasterClient, TextWriter, Task> action, CancellationToken cancellationToken)
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot write the token file: {e.Message}");
            return LavaCli.ExitApiError;
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
        new("--token-file") { Description = "Write name, token and master fingerprint to this file (mode 0600) instead of printing the token." };

    private static string Summary(JsonElement worker)
    {
        var parts = new List<string> { Text(worker, "state"), Text(worker, "health") };
        if (!worker.GetProperty("enabled").GetBoolean())
        {
            parts.Add("disabled");
        }

        if (worker.GetProperty("token_revoked").GetBoolean())
        {
            parts.Add("token revoked");
        }

        return string.Join(", ", parts);
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString() ?? "";
}
