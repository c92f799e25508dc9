using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Lava.Actors.Wire;

/// <summary>
/// Writes every <see cref="ILavaWireMessage"/> as System.Text.Json (camelCase properties, byte arrays as base64)
/// under its <see cref="WireManifestAttribute"/> manifest, for remoting and for the journal alike. Readable with
/// <c>psql</c>; no CLR type names in the payload. An unknown manifest is a <see cref="SerializationException"/>, so
/// remoting drops that one message (a newer peer) instead of the connection.
/// </summary>
public sealed class LavaJsonSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's id in the cluster and in stored rows: never changes.</summary>
    public const int Id = 4711;

    /// <summary>The name it is registered under in <c>akka.actor.serializers</c>.</summary>
    public const string Name = "lava-json";

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private readonly WireTypes _types = WireTypes.Lava;

    /// <summary>Created by Akka's serialization extension.</summary>
    /// <exception cref="InvalidOperationException">The manifest table is inconsistent (see <see cref="WireManifestAttribute"/>).</exception>
    public LavaJsonSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => _types.ManifestOf(o.GetType());

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => _types.TryGet(manifest, out var type)
        ? JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"Manifest '{manifest}' carried a null payload.")
        : throw new SerializationException($"Unknown manifest '{manifest}': no {nameof(ILavaWireMessage)} type is registered under it.");
}
