using System.Collections.Concurrent;
using System.Text.Json;

namespace Lava.Kernel.Persistence;

/// <summary>
/// Maps CLR types of events and snapshots to stable manifest strings (e.g. <c>"job-started.v1"</c>) and
/// serializes them as UTF-8 JSON with System.Text.Json. Manifests are stored next to each payload, so a type
/// may be renamed or moved freely as long as its manifest stays. Change the JSON shape incompatibly only under
/// a new manifest (<c>.v2</c>) and keep the old type registered for replay.
/// </summary>
/// <remarks>Thread-safe. Register every type before the journal first writes or replays it.</remarks>
public sealed class EventRegistry
{
    /// <summary>The <c>serializer_id</c> stored with every payload: UTF-8 JSON by System.Text.Json.</summary>
    public const int JsonSerializerId = 1;

    private readonly ConcurrentDictionary<Type, string> _manifestByType = new();
    private readonly ConcurrentDictionary<string, Type> _typeByManifest = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="options">JSON options; <see cref="JsonSerializerDefaults.Web"/> when omitted.</param>
    public EventRegistry(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>; returns this registry for chaining.</summary>
    /// <exception cref="ArgumentException">
    /// The manifest is empty or longer than 500 characters, is taken by another type, or the type already has
    /// another manifest.
    /// </exception>
    public EventRegistry Register<T>(string manifest) => Register(typeof(T), manifest);

    /// <summary>Registers <paramref name="type"/> under <paramref name="manifest"/>; see <see cref="Register{T}"/>.</summary>
    public EventRegistry Register(Type type, string manifest)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(manifest.Length, 500, nameof(manifest));

        var storedType = _typeByManifest.GetOrAdd(manifest, type);
        if (storedType != type)
        {
            throw new ArgumentException($"Manifest '{manifest}' is already registered for {storedType}.", nameof(manifest));
        }
        var storedManifest = _manifestByType.GetOrAdd(type, manifest);
        if (storedManifest != manifest)
        {
            _typeByManifest.TryRemove(new KeyValuePair<string, Type>(manifest, type));
            throw new ArgumentException($"{type} is already registered as '{storedManifest}'.", nameof(type));
        }
        return this;
    }

    /// <summary>The manifest of <paramref name="type"/>, if registered.</summary>
    public bool TryGetManifest(Type type, out string manifest) => _manifestByType.TryGetValue(type, out manifest!);

    /// <summary>Serializes <paramref name="payload"/> to its manifest and UTF-8 JSON.</summary>
    /// <exception cref="PersistenceSerializationException">The type is not registered or JSON serialization failed.</exception>
    internal (string Manifest, byte[] Bytes) Serialize(object payload)
    {
        var type = payload.GetType();
        if (!_manifestByType.TryGetValue(type, out var manifest))
        {
            throw new PersistenceSerializationException(
                $"{type} has no manifest: register it with EventRegistry.Register<{type.Name}>(\"name.v1\") before persisting it.");
        }
        try
        {
            return (manifest, JsonSerializer.SerializeToUtf8Bytes(payload, type, _options));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new PersistenceSerializationException($"Cannot serialize {type} as '{manifest}': {e.Message}", e);
        }
    }

    /// <summary>Deserializes a stored payload of <paramref name="persistenceId"/> at <paramref name="sequenceNr"/>.</summary>
    /// <exception cref="UnknownManifestException">The manifest is not registered.</exception>
    /// <exception cref="PersistenceSerializationException">The JSON does not match the registered type.</exception>
    internal object Deserialize(string manifest, ReadOnlySpan<byte> bytes, string persistenceId, long sequenceNr)
    {
        if (!_typeByManifest.TryGetValue(manifest, out var type))
        {
            throw new UnknownManifestException(manifest, persistenceId, sequenceNr);
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, type, _options)
                ?? throw new JsonException("The payload is JSON null.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new PersistenceSerializationException(
                $"Cannot read '{manifest}' ({type}) of persistence id '{persistenceId}' at sequence number {sequenceNr}: {e.Message}", e);
        }
    }
}
