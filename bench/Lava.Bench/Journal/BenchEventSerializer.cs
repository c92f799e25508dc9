using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Lava.Bench.Journal;

/// <summary>
/// Stores <see cref="BenchEvent"/> as System.Text.Json behind a versioned string manifest, the shape of Lava's wire
/// serializer, so the journal figures pay the same serialization cost.
/// </summary>
internal sealed class BenchEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string EventManifest = "bench-event.v1";

    // Above Akka's reserved range and apart from Lava's own serializer.
    public override int Identifier => 4790;

    public override string Manifest(object o) => o is BenchEvent
        ? EventManifest
        : throw new ArgumentException($"Cannot serialize {o.GetType()}", nameof(o));

    public override byte[] ToBinary(object obj) => obj is BenchEvent e
        ? JsonSerializer.SerializeToUtf8Bytes(e, BenchJsonContext.Default.BenchEvent)
        : throw new ArgumentException($"Cannot serialize {obj.GetType()}", nameof(obj));

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        EventManifest => JsonSerializer.Deserialize(bytes, BenchJsonContext.Default.BenchEvent)
            ?? throw new SerializationException("A null bench event"),
        _ => throw new SerializationException($"Unknown manifest '{manifest}'"),
    };
}

[JsonSerializable(typeof(BenchEvent))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
