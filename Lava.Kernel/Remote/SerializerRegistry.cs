using System.Collections.Concurrent;
using System.Text.Json;
using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>
/// The message types that may cross to other nodes, each under a stable manifest that names it on the
/// wire (<c>lava.ping.v1</c>): payloads are System.Text.Json, and <see cref="IActorRef"/> fields travel as
/// full paths with their uid. A receiving node that does not know a manifest logs the message and
/// drops it; the connection stays up. Kernel messages (Identify, ActorIdentity, Terminated,
/// Status.Success/Failure, PoisonPill, Kill) and string, int, long, bool, double and Guid are built in.
/// Registration is thread-safe and may happen at any time, but a type must be registered on both sides
/// before it is sent.
/// </summary>
public sealed class SerializerRegistry
{
    private readonly ConcurrentDictionary<string, ManifestEntry> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, ManifestEntry> _byType = new();

    public SerializerRegistry() => BuiltInManifests.RegisterAll(this);

    /// <summary>
    /// Registers <typeparamref name="T"/> under <paramref name="manifest"/>. Registering the same pair again
    /// is a no-op; reusing a manifest or a type with another partner throws.
    /// </summary>
    public void Register<T>(string manifest) where T : notnull => Add(new JsonManifestEntry<T>(manifest));

    /// <summary>The manifest of <paramref name="type"/>, or null when it is not registered.</summary>
    public string? ManifestOf(Type type) => _byType.TryGetValue(type, out var entry) ? entry.Manifest : null;

    internal ManifestEntry? ForType(Type type) => _byType.TryGetValue(type, out var entry) ? entry : null;

    internal ManifestEntry? ForManifest(string manifest) => _byManifest.TryGetValue(manifest, out var entry) ? entry : null;

    internal void Add(ManifestEntry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Manifest);
        lock (_byManifest)
        {
            var byManifest = _byManifest.GetValueOrDefault(entry.Manifest);
            var byType = _byType.GetValueOrDefault(entry.Type);
            if (byManifest is not null && byManifest.Type == entry.Type) return;
            if (byManifest is not null)
                throw new ArgumentException($"manifest '{entry.Manifest}' is already registered for {byManifest.Type.FullName}", nameof(entry));
            if (byType is not null)
                throw new ArgumentException($"{entry.Type.FullName} is already registered as '{byType.Manifest}'", nameof(entry));
            _byType[entry.Type] = entry;
            _byManifest[entry.Manifest] = entry;
        }
    }
}

/// <summary>How one registered type is written and read.</summary>
internal abstract class ManifestEntry(Type type, string manifest)
{
    public Type Type { get; } = type;

    public string Manifest { get; } = manifest;

    public abstract void Write(Utf8JsonWriter writer, object message, JsonSerializerOptions options);

    public abstract object Read(ReadOnlySpan<byte> payload, JsonSerializerOptions options);
}

internal sealed class JsonManifestEntry<T>(string manifest) : ManifestEntry(typeof(T), manifest) where T : notnull
{
    public override void Write(Utf8JsonWriter writer, object message, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, (T)message, options);

    public override object Read(ReadOnlySpan<byte> payload, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(payload, options) ?? throw new JsonException($"payload of '{Manifest}' is null");
}

/// <summary>A type written through a wire shape <typeparamref name="TWire"/>, for kernel types JSON cannot build directly.</summary>
internal sealed class MappedManifestEntry<T, TWire>(string manifest, Func<T, TWire> toWire, Func<TWire, T> fromWire)
    : ManifestEntry(typeof(T), manifest) where T : notnull
{
    public override void Write(Utf8JsonWriter writer, object message, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, toWire((T)message), options);

    public override object Read(ReadOnlySpan<byte> payload, JsonSerializerOptions options) =>
        fromWire(JsonSerializer.Deserialize<TWire>(payload, options) ?? throw new JsonException($"payload of '{Manifest}' is null"));
}
