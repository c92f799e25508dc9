namespace Lava.Host.Worker;

/// <summary>
/// The credentials <c>lava workers add HOST --token-file F</c> writes: UTF-8 <c>key=value</c> lines and <c>#</c>
/// comments with <c>name</c> (the worker's hostname), <c>token</c> (its secret) and <c>fingerprint</c> (SHA-256 of
/// the master's cluster certificate, which the worker pins). An empty token is kept: the master refuses it with
/// its reason.
/// </summary>
internal sealed record WorkerTokenFile(string Name, string Token, string Fingerprint)
{
    /// <exception cref="WorkerUsageException">The file is missing, unreadable, or lacks one of the three keys.</exception>
    public static WorkerTokenFile Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkerUsageException($"token file {path}: {e.Message}");
        }
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var equals = line.IndexOf('=');
            if (equals <= 0) throw new WorkerUsageException($"token file {path}: '{line}' is not key=value");
            entries[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
        string Field(string key) => entries.TryGetValue(key, out var value)
            ? value
            : throw new WorkerUsageException($"token file {path} has no '{key}=' line");
        var name = Field("name");
        var token = Field("token");
        var fingerprint = Field("fingerprint");
        if (name.Length == 0) throw new WorkerUsageException($"token file {path}: 'name=' is empty");
        if (fingerprint.Length == 0) throw new WorkerUsageException($"token file {path}: 'fingerprint=' is empty");
        return new WorkerTokenFile(name, token, fingerprint);
    }
}
