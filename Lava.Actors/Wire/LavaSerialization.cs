using Akka.Hosting;

namespace Lava.Actors.Wire;

/// <summary>Binds <see cref="ILavaWireMessage"/> to <see cref="LavaJsonSerializer"/>, for hosted and for plain actor systems.</summary>
public static class LavaSerialization
{
    /// <summary>The binding as HOCON, for an <c>ActorSystem</c> built from configuration (the same as <see cref="WithLavaSerialization"/>).</summary>
    public const string Hocon = $$"""
        akka.actor {
          serializers { {{LavaJsonSerializer.Name}} = "Lava.Actors.Wire.LavaJsonSerializer, Lava.Actors" }
          serialization-bindings { "Lava.Actors.Wire.ILavaWireMessage, Lava.Actors" = {{LavaJsonSerializer.Name}} }
          serialization-identifiers { "Lava.Actors.Wire.LavaJsonSerializer, Lava.Actors" = 4711 }
        }
        """;

    /// <summary>Registers <see cref="LavaJsonSerializer"/> for every <see cref="ILavaWireMessage"/>.</summary>
    public static AkkaConfigurationBuilder WithLavaSerialization(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithCustomSerializer(LavaJsonSerializer.Name, [typeof(ILavaWireMessage)], system => new LavaJsonSerializer(system));
    }
}
