using System.Text;
using Akka.Configuration;
using Lava.Actors.Wire;
using Xunit;

namespace Lava.Actors.Tests.Wire;

/// <summary>
/// Every manifest has a golden JSON file in <c>golden/</c> (named after the manifest) that must read and write
/// back to the same text: a stored event or a peer's message of a shipped version stays readable.
/// </summary>
public sealed class GoldenFilesSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(LavaSerialization.Hocon))
{
    // Copied beside the tests by the project file: source paths are not kept in CI's deterministic builds.
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Wire", "golden");

    public static TheoryData<string> Manifests() => new(WireTypes.Lava.Types.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Every_manifest_must_have_a_golden_file()
    {
        var missing = WireTypes.Lava.Types.Keys.Where(m => !File.Exists(GoldenPath(m))).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"No golden file in {GoldenDirectory} for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_golden_file_must_name_a_known_manifest()
    {
        var orphans = Directory.GetFiles(GoldenDirectory, "*.json").Select(Path.GetFileNameWithoutExtension)
            .Where(m => !WireTypes.Lava.Types.ContainsKey(m!)).ToList();

        Assert.True(orphans.Count == 0, $"Golden files without a manifest (old versions need their reader kept): {string.Join(", ", orphans)}");
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void A_golden_file_must_read_and_write_back_to_the_same_json(string manifest)
    {
        var golden = File.ReadAllText(GoldenPath(manifest)).TrimEnd();
        var serializer = (LavaJsonSerializer)Sys.Serialization.FindSerializerForType(WireTypes.Lava.Types[manifest]);

        var message = serializer.FromBinary(Encoding.UTF8.GetBytes(golden), manifest);

        Assert.IsType(WireTypes.Lava.Types[manifest], message);
        Assert.Equal(manifest, serializer.Manifest(message));
        Assert.Equal(golden, Encoding.UTF8.GetString(serializer.ToBinary(message)));
    }

    private static string GoldenPath(string manifest) => Path.Combine(GoldenDirectory, manifest + ".json");

}
