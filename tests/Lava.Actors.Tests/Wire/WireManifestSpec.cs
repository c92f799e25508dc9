using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Lava.Actors.Lab;
using Lava.Actors.Persistence;
using Lava.Actors.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Wire;

public sealed class WireManifestSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(LavaSerialization.Hocon + "\nakka.actor.serialize-messages = on"), output: output)
{
    private Serialization Serialization => Sys.Serialization;

    [Fact]
    public void Every_wire_message_must_be_bound_to_the_Lava_serializer_with_its_manifest()
    {
        var status = new WorkerStatus("rpi4-01", "1.2.3", DateTimeOffset.Parse("2026-01-02T03:04:05+00:00", System.Globalization.CultureInfo.InvariantCulture), 3);

        var serializer = Assert.IsType<LavaJsonSerializer>(Serialization.FindSerializerFor(status));
        Assert.Equal(4711, serializer.Identifier);
        Assert.Equal("lava.worker.status.v1", Akka.Serialization.Serialization.ManifestFor(serializer, status));
        Assert.Equal("lava.worker.get-status.v1", serializer.Manifest(GetWorkerStatus.Instance));
        Assert.Equal("lava.worker.presence-changed.v1", serializer.Manifest(new WorkerPresenceChanged("w", WorkerPresenceChanged.Online, 1, DateTimeOffset.UnixEpoch)));
        Assert.Equal(status, Serialization.Deserialize(serializer.ToBinary(status), serializer.Identifier, serializer.Manifest(status)));
    }

    [Fact]
    public void A_tagged_event_must_keep_its_tags_out_of_its_json()
    {
        var serializer = (LavaJsonSerializer)Serialization.FindSerializerForType(typeof(WorkerPresenceChanged));

        var json = Encoding.UTF8.GetString(serializer.ToBinary(new WorkerPresenceChanged("w", WorkerPresenceChanged.Offline, 7, DateTimeOffset.UnixEpoch)));

        Assert.Equal("""{"hostname":"w","state":"offline","memberUid":7,"at":"1970-01-01T00:00:00+00:00"}""", json);
    }

    [Fact]
    public void An_unknown_manifest_must_be_a_serialization_exception_naming_it()
    {
        var serializer = (LavaJsonSerializer)Serialization.FindSerializerForType(typeof(WorkerStatus));

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "lava.nothing.v9"));

        Assert.Contains("'lava.nothing.v9'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wire_message_must_survive_serialize_messages_on_a_local_send()
    {
        var status = new WorkerStatus("w", "1", DateTimeOffset.UnixEpoch, 0);

        TestActor.Tell(status);

        Assert.Equal(status, await ExpectMsgAsync<WorkerStatus>());
        Assert.NotSame(status, LastMessage);
    }

    [Fact]
    public void The_listed_table_must_hold_every_wire_message_type_of_the_assembly()
    {
        // Build refuses a wire message without a manifest: every one of them is in the list too.
        var everyType = WireTypes.Build(typeof(ILavaWireMessage).Assembly.GetTypes());

        Assert.Equal(everyType.Types.OrderBy(p => p.Key, StringComparer.Ordinal), WireTypes.Lava.Types.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(WireTypes.LavaMessages.Length, WireTypes.LavaMessages.Distinct().Count());
    }

    [Fact]
    public void The_manifest_table_must_refuse_a_wire_type_without_a_manifest_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WireTypes.Build([typeof(Unnamed)]));

        Assert.Contains(typeof(Unnamed).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_manifest_table_must_refuse_a_manifest_claimed_twice_naming_both_types()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WireTypes.Build([typeof(First), typeof(Second), typeof(string)]));

        Assert.Contains("'lava.test.same.v1'", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(First).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Second).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_with_immutable_arrays_lists_and_bytes_must_round_trip_with_the_serializer_options()
    {
        var record = new Collections(ImmutableArray.Create("a", "b"), ["x"], [0xde, 0xad]);

        var json = JsonSerializer.Serialize(record, LavaJsonSerializer.Options);
        var back = JsonSerializer.Deserialize<Collections>(json, LavaJsonSerializer.Options)!;

        Assert.Contains("\"bytes\":\"3q0=\"", json, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], back.Names.ToArray());
        Assert.Equal(["x"], back.List);
        Assert.Equal(record.Bytes, back.Bytes);
    }

    private sealed record Unnamed : ILavaWireMessage;

    [WireManifest("lava.test.same.v1")]
    private sealed record First : ILavaWireMessage;

    [WireManifest("lava.test.same.v1")]
    private sealed record Second : ILavaWireMessage;

    private sealed record Collections(ImmutableArray<string> Names, IReadOnlyList<string> List, byte[] Bytes);
}
