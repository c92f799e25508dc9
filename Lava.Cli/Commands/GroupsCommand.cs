using System.CommandLine;
using static Lava.Cli.Commands.WorkersCommand;

namespace Lava.Cli.Commands;

/// <summary>
/// <c>lava-cli groups …</c>: the groups a job's <c>visibility: {group: [...]}</c> names, and their members (--url and
/// --token as for workers).
/// </summary>
internal static class GroupsCommand
{
    public static Command Create()
    {
        var command = new Command("groups", "Manage the groups of users that jobs may be visible to.");
        command.Options.Add(Url);
        command.Options.Add(Token);

        var addName = GroupArgument();
        var add = new Command("add", "Add a group.");
        add.Arguments.Add(addName);
        add.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var group = await client.PostAsync("groups/", new { name = parse.GetValue(addName) }, ct);
            output.WriteLine($"Group {Text(group, "name")} added.");
        }, ct));
        command.Subcommands.Add(add);

        var list = new Command("list", "List the groups.");
        list.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            output.WriteLine("Groups:");
            foreach (var group in (await client.GetAsync("groups/", ct)).EnumerateArray())
            {
                output.WriteLine($"* {group.GetString()}");
            }
        }, ct));
        command.Subcommands.Add(list);

        var showName = GroupArgument();
        var show = new Command("show", "Show a group's members.");
        show.Arguments.Add(showName);
        show.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var group = await client.GetAsync($"groups/{Uri.EscapeDataString(parse.GetValue(showName)!)}/", ct);
            output.WriteLine($"name    : {Text(group, "name")}");
            output.WriteLine($"members : {string.Join(", ", group.GetProperty("members").EnumerateArray().Select(m => m.GetString()))}");
        }, ct));
        command.Subcommands.Add(show);

        command.Subcommands.Add(Membership("add-member", "Put a user in a group.", add: true));
        command.Subcommands.Add(Membership("remove-member", "Take a user out of a group.", add: false));
        return command;
    }

    private static Command Membership(string verb, string description, bool add)
    {
        var group = GroupArgument();
        var user = new Argument<string>("USER") { Description = "The user's name." };
        var command = new Command(verb, description);
        command.Arguments.Add(group);
        command.Arguments.Add(user);
        command.SetAction((parse, ct) => RunAsync(parse, async (client, output) =>
        {
            var path = $"groups/{Uri.EscapeDataString(parse.GetValue(group)!)}/members/";
            if (add)
            {
                await client.PostAsync(path, new { username = parse.GetValue(user) }, ct);
                output.WriteLine($"{parse.GetValue(user)} is in group {parse.GetValue(group)}.");
            }
            else
            {
                await client.DeleteAsync(path + Uri.EscapeDataString(parse.GetValue(user)!) + "/", ct);
                output.WriteLine($"{parse.GetValue(user)} is no longer in group {parse.GetValue(group)}.");
            }
        }, ct));
        return command;
    }

    private static Argument<string> GroupArgument() => new("GROUP") { Description = "The group's name." };
}
