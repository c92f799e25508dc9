using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Lava.Actors.Jobs.Definition;

namespace Lava.Devices.TestShell;

/// <summary>
/// Fetches the <c>definitions</c> of a test action as LAVA's deploy stage does: <c>from: inline</c> (the repository is
/// the definition), <c>from: git</c> (cloned with the <c>git</c> binary: <c>branch</c>, <c>revision</c>,
/// <c>shallow</c>, <c>history</c>) and <c>from: url</c> (HTTP(S) or file URL of a YAML file, or of a
/// <c>.tar.gz</c> holding <c>path</c>). Each fetch lands under the work directory given. Failures are
/// <see cref="TestShellError"/>s with LAVA's error type and message.
/// </summary>
public sealed partial class TestDefinitionSource(HttpClient? http = null)
{
    private static readonly TimeSpan GitTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Fetches every entry of <paramref name="definitions"/> (the action's list) into <paramref name="workDirectory"/>.</summary>
    public async Task<IReadOnlyList<TestDefinition>> FetchAllAsync(IReadOnlyList<object?> definitions, string workDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var fetched = new List<TestDefinition>(definitions.Count);
        for (var i = 0; i < definitions.Count; i++)
        {
            if (definitions[i] is not OrderedDictionary<object, object?> entry)
            {
                throw TestShellError.Job($"Invalid test definition entry {i}: not a map");
            }
            var definition = await FetchAsync(i, entry, workDirectory, cancellationToken).ConfigureAwait(false);
            if (fetched.Any(d => d.Name == definition.Name))
            {
                throw TestShellError.Job($"Test definition names need to be unique: '{definition.Name}' is used twice");
            }
            fetched.Add(definition);
        }
        return fetched;
    }

    /// <summary>Fetches one definition, the <paramref name="index"/>th of its action.</summary>
    public async Task<TestDefinition> FetchAsync(int index, OrderedDictionary<object, object?> entry, string workDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var name = Text(entry, "name") ?? throw TestShellError.Job("Test definition without a name");
        if (!NamePattern().IsMatch(name))
        {
            throw TestShellError.Job($"Invalid characters found in test definition name: {name}");
        }
        if (name == "lava")
        {
            throw TestShellError.Test("Test definition name 'lava' is reserved");
        }
        if (!entry.TryGetValue("repository", out var repository) || repository is null)
        {
            throw TestShellError.Job("Repository missing from test definition");
        }
        var from = Text(entry, "from") ?? "git";
        var path = Text(entry, "path") ?? throw TestShellError.Job($"Test definition {name} has no path");
        var directory = Path.Combine(workDirectory, $"{index}_{name}");
        var (content, repositoryText, revision, commit, checkout) = from switch
        {
            "inline" => (AsDefinition(repository, path), "inline", null, null, null),
            "git" => await FromGitAsync(entry, TreeText.Scalar(repository), path, directory, cancellationToken).ConfigureAwait(false),
            "url" => await FromUrlAsync(TreeText.Scalar(repository), path, directory, cancellationToken).ConfigureAwait(false),
            _ => throw TestShellError.Job($"Unsupported test definition source 'from: {from}' for {name}"),
        };
        var defaults = TreeText.Pairs(content.GetValueOrDefault("params") ?? content.GetValueOrDefault("parameters"));
        var parameters = TreeText.Pairs(entry.GetValueOrDefault("parameters") ?? entry.GetValueOrDefault("params"));
        return new TestDefinition(index, name, from, repositoryText, path, revision, commit, content, checkout, defaults, parameters, SkipInstall(entry));
    }

    private static IReadOnlyList<string> SkipInstall(OrderedDictionary<object, object?> entry) => entry.GetValueOrDefault("skip_install") switch
    {
        List<object?> list => [.. list.Select(TreeText.Scalar)],
        null => [],
        var one => [TreeText.Scalar(one)],
    };

    private static string? Text(OrderedDictionary<object, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is not null ? TreeText.Scalar(value) : null;

    // LAVA validates a test definition by its metadata before running it.
    private static OrderedDictionary<object, object?> AsDefinition(object? tree, string where)
    {
        if (tree is not OrderedDictionary<object, object?> map)
        {
            throw TestShellError.Job($"Invalid test definition {where}: not a map");
        }
        if (map.GetValueOrDefault("metadata") is not OrderedDictionary<object, object?> metadata)
        {
            throw TestShellError.Job($"Invalid test definition {where}: missing metadata");
        }
        if (TreeText.Scalar(metadata.GetValueOrDefault("format")) != "Lava-Test Test Definition 1.0")
        {
            throw TestShellError.Job($"Invalid test definition {where}: metadata.format must be 'Lava-Test Test Definition 1.0'");
        }
        if (metadata.GetValueOrDefault("name") is null)
        {
            throw TestShellError.Job($"Invalid test definition {where}: missing metadata.name");
        }
        return map;
    }

    private static OrderedDictionary<object, object?> ReadDefinitionFile(string file)
    {
        if (!File.Exists(file))
        {
            throw TestShellError.Job($"Unable to find test definition YAML: {file}");
        }
        try
        {
            return AsDefinition(JobDefinitionParser.Parse(File.ReadAllText(file)), file);
        }
        catch (JobDefinitionSyntaxException e)
        {
            throw TestShellError.Job($"Invalid test definition {file}: {e.Message}", e);
        }
    }

    private static async Task<(OrderedDictionary<object, object?>, string, string?, string?, string?)> FromGitAsync(
        OrderedDictionary<object, object?> entry, string repository, string path, string directory, CancellationToken ct)
    {
        var revision = Text(entry, "revision");
        var branch = Text(entry, "branch");
        var shallow = entry.GetValueOrDefault("shallow") is not false;
        var history = entry.GetValueOrDefault("history") is not false;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        List<string> clone = ["clone", "-q"];
        if (shallow && revision is null)
        {
            clone.AddRange(["--depth", "1"]); // a revision may be anywhere in the history
        }
        if (branch is not null)
        {
            clone.AddRange(["-b", branch]);
        }
        clone.AddRange(["--", repository, directory]);
        if (await GitAsync(clone, null, ct).ConfigureAwait(false) is { } cloneError)
        {
            throw TestShellError.Infrastructure($"Unable to fetch git repository '{repository}' ({cloneError})");
        }
        if (revision is not null && await GitAsync(["checkout", "-q", revision], directory, ct).ConfigureAwait(false) is { } checkoutError)
        {
            throw TestShellError.Infrastructure($"Unable to checkout revision '{revision}' of git repository '{repository}' ({checkoutError})");
        }
        var commit = await GitOutputAsync(["rev-parse", "HEAD"], directory, ct).ConfigureAwait(false);
        var content = ReadDefinitionFile(Path.Combine(directory, path));
        if (!history)
        {
            Directory.Delete(Path.Combine(directory, ".git"), recursive: true);
        }
        return (content, repository, revision, commit, directory);
    }

    private async Task<(OrderedDictionary<object, object?>, string, string?, string?, string?)> FromUrlAsync(
        string url, string path, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var uri = new Uri(url);
        var file = Path.Combine(directory, Path.GetFileName(uri.LocalPath) is { Length: > 0 } n ? n : "testdef.yaml");
        try
        {
            if (uri.IsFile)
            {
                File.Copy(uri.LocalPath, file, overwrite: true);
            }
            else
            {
                using var client = http is null ? new HttpClient() : null;
                using var response = await (http ?? client!).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                await using var output = File.Create(file);
                await response.Content.CopyToAsync(output, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException)
        {
            throw TestShellError.Infrastructure($"Unable to download test definition from '{url}': {e.Message}", e);
        }
        if (file.EndsWith(".tar.gz", StringComparison.Ordinal) || file.EndsWith(".tgz", StringComparison.Ordinal))
        {
            await using (var archive = File.OpenRead(file))
            await using (var gunzip = new GZipStream(archive, CompressionMode.Decompress))
            {
                await TarFile.ExtractToDirectoryAsync(gunzip, directory, overwriteFiles: true, ct).ConfigureAwait(false);
            }
            File.Delete(file);
            return (ReadDefinitionFile(Path.Combine(directory, path)), url, null, null, directory);
        }
        return (ReadDefinitionFile(file), url, null, null, directory);
    }

    // Null when git succeeded, else its last line of error output.
    private static async Task<string?> GitAsync(IReadOnlyList<string> arguments, string? directory, CancellationToken ct)
    {
        var (code, _, error) = await RunGitAsync(arguments, directory, ct).ConfigureAwait(false);
        return code == 0 ? null : error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit {code}";
    }

    private static async Task<string?> GitOutputAsync(IReadOnlyList<string> arguments, string directory, CancellationToken ct)
    {
        var (code, output, _) = await RunGitAsync(arguments, directory, ct).ConfigureAwait(false);
        return code == 0 ? output.Trim() : null;
    }

    private static async Task<(int Code, string Output, string Error)> RunGitAsync(IReadOnlyList<string> arguments, string? directory, CancellationToken ct)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (directory is not null)
        {
            start.ArgumentList.Add("-C");
            start.ArgumentList.Add(directory);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["GIT_TERMINAL_PROMPT"] = "0"; // a private repository must fail, not wait for a password
        using var process = Process.Start(start) ?? throw TestShellError.Infrastructure("Unable to start git");
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(GitTimeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw TestShellError.Infrastructure($"git {string.Join(' ', arguments)} timed out after {GitTimeout.TotalSeconds:0} seconds");
        }
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    [GeneratedRegex("^[-_a-zA-Z0-9.]+$")]
    private static partial Regex NamePattern();
}
