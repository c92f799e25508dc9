using System.CommandLine;
using static Lava.Cli.Commands.WorkersCommand;

namespace Lava.Cli.Commands;

/// <summary><c>lava-cli users …</c>: add users (printing their API token once), list them, issue a new token, set a web UI password (--url and --token as for workers).</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Manage the users of the lab and their API tokens.");
        command.Options.Add(Url);
        command.Options.Add(Token);

        var name = NameArgument();
        var superuser = new Option<bool>("--superuser") { Description = "Make the user a superuser (may change the lab and see every job)." };
        var add = new Command("add", "Add a user and print their API token, shown this once.");
        add.Arguments.Add(name);
        add.Options.Add(superuser);
        add.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var created = await client.PostAsync("users/", new { username = parse.GetValue(name), is_superuser = parse.GetValue(superuser) }, ct);
            output.WriteLine($"User {Text(created, "username")} added; API token (shown once): {Text(created, "token")}");
        }, ct));
        command.Subcommands.Add(add);

        var list = new Command("list", "List the users, their role and groups.");
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            output.WriteLine("Users:");
            foreach (var user in (await client.GetAsync("users/", ct)).EnumerateArray())
            {
                var role = user.GetProperty("is_superuser").GetBoolean() ? "superuser" : "user";
                var active = user.GetProperty("is_active").GetBoolean() ? "" : ", inactive";
                var groups = string.Join(", ", user.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
                output.WriteLine($"* {Text(user, "username")} ({role}{active}) [{groups}]");
            }
        }, ct));
        command.Subcommands.Add(list);

        var tokenName = NameArgument();
        var token = new Command("token", "Issue the user a new API token and print it, shown this once (their other tokens stay valid).");
        token.Arguments.Add(tokenName);
        token.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var issued = await client.PostAsync($"users/{Uri.EscapeDataString(parse.GetValue(tokenName)!)}/tokens/", null, ct);
            output.WriteLine($"New API token of {Text(issued, "username")} (shown once): {Text(issued, "token")}");
        }, ct));
        command.Subcommands.Add(token);

        var passwordName = NameArgument();
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "Read the password from this file's first line instead of standard input." };
        var password = new Command("password", "Set the password the user signs in to the web UI with (read from standard input, or --password-file).");
        password.Arguments.Add(passwordName);
        password.Options.Add(passwordFile);
        password.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var file = parse.GetValue(passwordFile);
            // The first line only: a password typed or piped ends at its newline, which is not part of it.
            var secret = (file is null ? await Console.In.ReadLineAsync(ct) : (await File.ReadAllLinesAsync(file.FullName, ct)).FirstOrDefault()) ?? "";
            await client.PostAsync($"users/{Uri.EscapeDataString(parse.GetValue(passwordName)!)}/password/", new { password = secret }, ct);
            output.WriteLine($"Password of {parse.GetValue(passwordName)} set.");
        }, ct));
        command.Subcommands.Add(password);
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The user's name." };
}
