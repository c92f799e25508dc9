using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lava.Kernel.Remote;

/// <summary>The manifests of the kernel messages that cross nodes, and of plain values.</summary>
internal static class BuiltInManifests
{
    public static void RegisterAll(SerializerRegistry registry)
    {
        registry.Register<string>("lava.string");
        registry.Register<int>("lava.int32");
        registry.Register<long>("lava.int64");
        registry.Register<bool>("lava.bool");
        registry.Register<double>("lava.double");
        registry.Register<Guid>("lava.guid");
        registry.Add(new MappedManifestEntry<Identify, IdentifyWire>("lava.identify.v1",
            m => new IdentifyWire(new AnyValue(m.MessageId)), w => new Identify(w.MessageId.Value)));
        registry.Add(new MappedManifestEntry<ActorIdentity, ActorIdentityWire>("lava.actor-identity.v1",
            m => new ActorIdentityWire(new AnyValue(m.MessageId), m.Subject), w => new ActorIdentity(w.MessageId.Value, w.Subject)));
        registry.Register<Terminated>("lava.terminated.v1");
        registry.Add(new MappedManifestEntry<Status.Success, SuccessWire>("lava.status-success.v1",
            m => new SuccessWire(new AnyValue(m.Value)), w => new Status.Success(w.Value.Value)));
        registry.Add(new MappedManifestEntry<Status.Failure, FailureWire>("lava.status-failure.v1",
            m => m.Cause is RemoteFailureException remote
                ? new FailureWire(remote.OriginalType, remote.Message)
                : new FailureWire(m.Cause.GetType().FullName ?? m.Cause.GetType().Name, m.Cause.Message),
            w => new Status.Failure(new RemoteFailureException(w.Type, w.Message))));
        registry.Add(new MappedManifestEntry<PoisonPill, EmptyWire>("lava.poison-pill.v1", _ => EmptyWire.Instance, _ => PoisonPill.Instance));
        registry.Add(new MappedManifestEntry<Kill, EmptyWire>("lava.kill.v1", _ => EmptyWire.Instance, _ => Kill.Instance));
    }

    private sealed record IdentifyWire(AnyValue MessageId);

    private sealed record ActorIdentityWire(AnyValue MessageId, IActorRef? Subject);

    private sealed record SuccessWire(AnyValue Value);

    private sealed record FailureWire(string Type, string Message);

    private sealed record EmptyWire
    {
        public static EmptyWire Instance { get; } = new();
    }
}

/// <summary>A value of any registered type in a kernel message (an Identify id, say), written with its manifest.</summary>
internal readonly record struct AnyValue(object? Value);

/// <summary>Writes <see cref="AnyValue"/> as <c>{"m": manifest, "v": value}</c>, or null.</summary>
internal sealed class AnyValueConverter(SerializerRegistry registry) : JsonConverter<AnyValue>
{
    public override bool HandleNull => true;

    public override AnyValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return default;
        using var document = JsonDocument.ParseValue(ref reader);
        var manifest = document.RootElement.GetProperty("m").GetString() ?? throw new JsonException("value without manifest");
        var entry = registry.ForManifest(manifest) ?? throw new JsonException($"unknown manifest '{manifest}'");
        return new AnyValue(entry.Read(System.Text.Encoding.UTF8.GetBytes(document.RootElement.GetProperty("v").GetRawText()), options));
    }

    public override void Write(Utf8JsonWriter writer, AnyValue value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
            return;
        }
        var entry = registry.ForType(value.Value.GetType())
            ?? throw new JsonException($"{value.Value.GetType().FullName} has no manifest; register it to send it to other nodes");
        writer.WriteStartObject();
        writer.WriteString("m", entry.Manifest);
        writer.WritePropertyName("v");
        entry.Write(writer, value.Value, options);
        writer.WriteEndObject();
    }
}
