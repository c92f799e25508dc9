using System.Collections.Frozen;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Lava.Actors.Wire;

/// <summary>
/// The manifest table: every <see cref="ILavaWireMessage"/> type of Lava.Actors and its manifest, both ways.
/// Built once; a type without a manifest or two types sharing one fail the build of the table, naming them, so
/// the node refuses to start instead of failing on the first message. Lava.Actors' table is built from the types its
/// metadata shows with <see cref="WireManifestAttribute"/> (<see cref="ManifestedTypes"/>); a test checks that no
/// other type of it is a wire message.
/// </summary>
internal sealed class WireTypes
{
    private static readonly Lazy<WireTypes> Scanned = new(() => Build(ManifestedTypes(typeof(ILavaWireMessage).Assembly)));

    private readonly FrozenDictionary<Type, string> _manifests;
    private readonly FrozenDictionary<string, Type> _types;

    private WireTypes(Dictionary<Type, string> manifests)
    {
        _manifests = manifests.ToFrozenDictionary();
        _types = manifests.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }

    /// <summary>The table of the Lava.Actors assembly.</summary>
    public static WireTypes Lava => Scanned.Value;

    /// <summary>Every manifest and its type.</summary>
    public IReadOnlyDictionary<string, Type> Types => _types;

    /// <summary>Builds the table of the concrete <see cref="ILavaWireMessage"/> types among <paramref name="candidates"/>.</summary>
    /// <exception cref="InvalidOperationException">A type lacks <see cref="WireManifestAttribute"/>, or two types share a manifest.</exception>
    public static WireTypes Build(IEnumerable<Type> candidates)
    {
        var manifests = new Dictionary<Type, string>();
        var owners = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in candidates.Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ILavaWireMessage).IsAssignableFrom(t)))
        {
            var manifest = type.GetCustomAttribute<WireManifestAttribute>()?.Manifest;
            if (string.IsNullOrWhiteSpace(manifest))
            {
                throw new InvalidOperationException($"{type.FullName} implements {nameof(ILavaWireMessage)} but has no [WireManifest(\"...\")].");
            }
            if (owners.TryGetValue(manifest, out var other))
            {
                throw new InvalidOperationException($"Manifest '{manifest}' is claimed by both {other.FullName} and {type.FullName}.");
            }
            owners.Add(manifest, type);
            manifests.Add(type, manifest);
        }
        return new WireTypes(manifests);
    }

    /// <summary>
    /// The types of <paramref name="assembly"/> that carry <see cref="WireManifestAttribute"/>, found in its metadata
    /// and loaded alone: loading all its types to look at them (<see cref="Assembly.GetTypes"/>) left a node with a few
    /// hundred types it never uses, and the assemblies they name (Npgsql on a SQLite lab).
    /// </summary>
    internal static IReadOnlyList<Type> ManifestedTypes(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        var types = new List<Type>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var definition = metadata.GetTypeDefinition(handle);
            if (definition.GetCustomAttributes().Any(a => IsWireManifest(metadata, metadata.GetCustomAttribute(a))))
            {
                types.Add(assembly.GetType(FullName(metadata, definition), throwOnError: true)!);
            }
        }
        return types;
    }

    private static bool IsWireManifest(MetadataReader metadata, CustomAttribute attribute)
    {
        // The attribute's type is defined in the assembly read (Lava.Actors itself) or referenced from another one.
        var (name, space) = attribute.Constructor.Kind switch
        {
            HandleKind.MethodDefinition => NameOf(metadata, metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType()),
            HandleKind.MemberReference => NameOf(metadata, metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent),
            _ => default,
        };
        return !name.IsNil
            && metadata.StringComparer.Equals(name, nameof(WireManifestAttribute))
            && metadata.StringComparer.Equals(space, typeof(WireManifestAttribute).Namespace!);
    }

    private static (StringHandle Name, StringHandle Namespace) NameOf(MetadataReader metadata, EntityHandle type) => type.Kind switch
    {
        HandleKind.TypeDefinition => metadata.GetTypeDefinition((TypeDefinitionHandle)type) is var definition ? (definition.Name, definition.Namespace) : default,
        HandleKind.TypeReference => metadata.GetTypeReference((TypeReferenceHandle)type) is var reference ? (reference.Name, reference.Namespace) : default,
        _ => default,
    };

    // Reflection's name of a type definition: Namespace.Outer+Inner.
    private static string FullName(MetadataReader metadata, TypeDefinition definition)
    {
        var name = metadata.GetString(definition.Name);
        var declaring = definition.GetDeclaringType();
        if (!declaring.IsNil) return FullName(metadata, metadata.GetTypeDefinition(declaring)) + "+" + name;
        var space = metadata.GetString(definition.Namespace);
        return space.Length == 0 ? name : space + "." + name;
    }

    /// <summary>The manifest of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The type is not in the table.</exception>
    public string ManifestOf(Type type) => _manifests.TryGetValue(type, out var manifest)
        ? manifest
        : throw new ArgumentException($"{type.FullName} is not an {nameof(ILavaWireMessage)} of Lava.Actors with a manifest.", nameof(type));

    /// <summary>The type written under <paramref name="manifest"/>, if any.</summary>
    public bool TryGet(string manifest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) => _types.TryGetValue(manifest, out type);
}
