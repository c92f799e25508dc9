using System.Text.Json;
using Lava.Actors.Lab.Devices;
using Xunit;

namespace Lava.Actors.Tests.Devices;

/// <summary>
/// Dictionaries exercising the shipped device types beyond the corpus (every qemu arch, u-boot options, vland,
/// media, connections, grub, barebox, depthcharge, docker, block overrides) render byte for byte as Jinja2 3.1
/// renders them; golden/make-jinja2-device-renders.py wrote the expected texts.
/// </summary>
public sealed class Jinja2DeviceRendersSpec
{
    private static readonly string? GoldenFile = FindGolden();

    public static IEnumerable<object[]> Cases() =>
        GoldenFile is null ? [] : Load().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_byte_for_byte_as_jinja2(string name)
    {
        var golden = Load().Single(c => c.GetProperty("name").GetString() == name);
        var templates = golden.GetProperty("templates").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString()!);
        var devices = Directory.CreateTempSubdirectory("lava-devices-");
        try
        {
            foreach (var (file, text) in templates) File.WriteAllText(Path.Combine(devices.FullName, file), text);
            var context = ((IDictionary<string, object?>)DeviceCorpus.FromJson(golden.GetProperty("context"))!).ToDictionary(p => p.Key, p => p.Value);

            var rendered = DeviceTemplates.ForLab(devices.FullName, DeviceCorpus.ShippedDeviceTypes!).RenderDevice(name, context);

            Assert.Equal(golden.GetProperty("expected").GetString(), rendered);
        }
        finally
        {
            devices.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_golden_renders_are_found()
    {
        Assert.NotNull(GoldenFile);
        Assert.NotEmpty(Cases());
    }

    private static List<JsonElement> Load() => JsonDocument.Parse(File.ReadAllText(GoldenFile!)).RootElement.EnumerateArray().ToList();

    private static string? FindGolden()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "Lava.Actors.Tests", "Devices", "golden", "jinja2-device-renders.json");
            if (File.Exists(path)) return path;
        }

        return null;
    }
}
