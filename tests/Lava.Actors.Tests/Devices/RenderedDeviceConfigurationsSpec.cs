using System.Text.Json;
using Lava.Actors.Lab.Devices;
using Xunit;

namespace Lava.Actors.Tests.Devices;

/// <summary>
/// Each device dictionary of the corpus, rendered with each job context, parses to what LAVA's renderer produced
/// (compared as structures, the contract) and is even the same text.
/// </summary>
public sealed class RenderedDeviceConfigurationsSpec
{
    public static IEnumerable<object[]> Cases() => DeviceCorpus.Cases();

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public void Device_configuration_renders_as_LAVA_renders_it(string name)
    {
        var corpus = DeviceCorpus.ConfigsDirectory ?? throw new InvalidOperationException("shared/corpus/device-configs not found");
        var deviceTypes = DeviceCorpus.ShippedDeviceTypes ?? throw new InvalidOperationException("device-types/ not found");
        var templates = DeviceTemplates.ForLab(Path.Combine(corpus, "devices"), deviceTypes);
        var context = DeviceYaml.LoadContext(File.ReadAllText(Path.Combine(corpus, "rendered", name + ".context.yaml")));
        var hostname = name[..name.LastIndexOf(".ctx", StringComparison.Ordinal)];

        var rendered = templates.RenderDevice(hostname, context);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(corpus, "rendered", name + ".json")));
        var difference = DeviceCorpus.Difference(DeviceCorpus.FromJson(json.RootElement), DeviceYaml.Load(rendered));
        Assert.True(difference is null, $"{name}: {difference}\n--- rendered ---\n{rendered}");
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public void Device_configuration_text_is_the_text_LAVA_rendered(string name)
    {
        var corpus = DeviceCorpus.ConfigsDirectory ?? throw new InvalidOperationException("shared/corpus/device-configs not found");
        var templates = DeviceTemplates.ForLab(Path.Combine(corpus, "devices"), DeviceCorpus.ShippedDeviceTypes!);
        var context = DeviceYaml.LoadContext(File.ReadAllText(Path.Combine(corpus, "rendered", name + ".context.yaml")));
        var hostname = name[..name.LastIndexOf(".ctx", StringComparison.Ordinal)];

        Assert.Equal(File.ReadAllText(Path.Combine(corpus, "rendered", name + ".yaml")), templates.RenderDevice(hostname, context));
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public void Corpus_dictionaries_name_the_template_they_extend(string name)
    {
        var corpus = DeviceCorpus.ConfigsDirectory ?? throw new InvalidOperationException("shared/corpus/device-configs not found");
        var templates = DeviceTemplates.ForLab(Path.Combine(corpus, "devices"), DeviceCorpus.ShippedDeviceTypes!);
        var hostname = name[..name.LastIndexOf(".ctx", StringComparison.Ordinal)];

        var extended = templates.ExtendedTemplate(hostname);

        Assert.NotNull(extended);
        Assert.True(File.Exists(Path.Combine(DeviceCorpus.ShippedDeviceTypes!, extended)), $"{extended} is not shipped in device-types/");
    }
}
