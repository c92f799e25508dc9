using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lava.Kernel.Remote;

/// <summary>
/// Turns references into wire paths and back. A reference crosses as its full path with uid
/// (<c>lava://SYS@HOST:PORT/user/a#123</c>); a path of this node comes back as the local reference
/// (a temporary Ask reference included), any other as a <see cref="RemoteActorRef"/>.
/// </summary>
internal sealed class ActorRefCodec(RemoteTransport transport)
{
    // Bounded because Ask senders are one-off paths; clearing only costs a re-parse.
    private const int CacheLimit = 10_000;
    private readonly ConditionalWeakTable<IActorRef, string> _formatted = [];
    private readonly ConcurrentDictionary<string, IActorRef> _refs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InternalActorRef> _locals = new(StringComparer.Ordinal);

    /// <summary>The recipient form of a path: without address, with uid.</summary>
    public static string WirePath(ActorPath path) => path.ToStringWithoutAddress() + "#" + path.Uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The full path of <paramref name="actor"/> as other nodes address it; empty for no sender.</summary>
    public string Format(IActorRef? actor) => actor switch
    {
        null => "",
        RemoteActorRef remote => remote.FullPath,
        InternalActorRef local => _formatted.GetValue(local, r => transport.Address + WirePath(r.Path)),
        _ => "",
    };

    /// <summary>The reference behind a full path; null for an empty one, dead letters for a local path nobody holds.</summary>
    public IActorRef? Resolve(string fullPath)
    {
        if (fullPath.Length == 0) return null;
        if (_refs.TryGetValue(fullPath, out var cached)) return cached;
        var (pathText, uid) = SplitUid(fullPath);
        var path = ActorPath.Parse(pathText).WithUid(uid);
        IActorRef? resolved = transport.System.IsLocal(path.Address)
            ? ResolveLocal(WirePath(path))
            : new RemoteActorRef(transport, path);
        if (resolved is null) return transport.System.DeadLetters;
        if (!IsTemp(pathText)) Remember(_refs, fullPath, resolved);
        return resolved;
    }

    /// <summary>The live local actor at a recipient path (<c>/user/a#uid</c>, uid 0 for any incarnation), or null.</summary>
    public InternalActorRef? ResolveLocal(string wirePath)
    {
        if (_locals.TryGetValue(wirePath, out var cached))
        {
            if (!cached.IsTerminated) return cached;
            _locals.TryRemove(wirePath, out _);
            return null;
        }
        var (path, uid) = SplitUid(wirePath);
        if (transport.System.Resolve(path) is not InternalActorRef found || (uid != 0 && found.Path.Uid != uid)) return null;
        if (!IsTemp(path)) Remember(_locals, wirePath, found);
        return found;
    }

    private static bool IsTemp(string path) => path.Contains("/temp/", StringComparison.Ordinal);

    private static void Remember<T>(ConcurrentDictionary<string, T> cache, string key, T value)
    {
        if (cache.Count >= CacheLimit) cache.Clear();
        cache[key] = value;
    }

    private static (string Path, long Uid) SplitUid(string text)
    {
        var hash = text.LastIndexOf('#');
        if (hash < 0) return (text, 0);
        return (text[..hash], long.Parse(text.AsSpan(hash + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }
}

/// <summary>Writes <see cref="IActorRef"/> fields of messages as full paths.</summary>
internal sealed class ActorRefJsonConverter(ActorRefCodec codec) : JsonConverter<IActorRef>
{
    public override IActorRef? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : codec.Resolve(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(codec.Format(value));
}
