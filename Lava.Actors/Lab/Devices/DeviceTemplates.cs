namespace Lava.Actors.Lab.Devices;

/// <summary>
/// Device dictionaries and device-type templates rendered as LAVA's server renders them (jinja2 with
/// <c>trim_blocks=True</c>, autoescape off, undefined variables printing empty): the search path holds the device
/// dictionaries' directory first, then the device-type directories, and the first file with a name wins. Files are
/// read on every render, so an edited dictionary takes effect on the next job. Errors are
/// <see cref="TemplateException"/>s naming the template file and line.
/// </summary>
public sealed class DeviceTemplates
{
    private readonly Func<string, string?> _source;

    /// <summary>A loader over <paramref name="searchPath"/>, searched in order.</summary>
    public DeviceTemplates(IEnumerable<string> searchPath)
    {
        SearchPath = [.. searchPath];
        _source = name => SearchPath.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists) is { } path ? File.ReadAllText(path) : null;
    }

    /// <summary>Templates held in memory (name → text), searched like files.</summary>
    internal DeviceTemplates(IReadOnlyDictionary<string, string> templates)
    {
        SearchPath = [];
        _source = name => templates.GetValueOrDefault(name);
    }

    private DeviceTemplates(IReadOnlyList<string> searchPath, Func<string, string?> source) => (SearchPath, _source) = (searchPath, source);

    /// <summary>
    /// These templates with <c>HOSTNAME.jinja2</c> being <paramref name="dictionary"/>: a device dictionary held in the
    /// lab database rather than in a file, rendered against the same device-type templates.
    /// </summary>
    public DeviceTemplates WithDevice(string hostname, string dictionary)
    {
        var file = hostname + ".jinja2";
        return new DeviceTemplates(SearchPath, name => name == file ? dictionary : _source(name));
    }

    /// <summary>LAVA's layout: the device dictionaries, then the device-type directories in order.</summary>
    public static DeviceTemplates ForLab(string devicesDirectory, params IEnumerable<string> deviceTypeDirectories) =>
        new([devicesDirectory, .. deviceTypeDirectories]);

    /// <summary>The directories searched, in order.</summary>
    public IReadOnlyList<string> SearchPath { get; }

    /// <summary>
    /// Renders <c>HOSTNAME.jinja2</c> with the job's <c>context:</c> map as variables (none for validation and display).
    /// </summary>
    public string RenderDevice(string hostname, IReadOnlyDictionary<string, object?>? jobContext = null) =>
        Render(hostname + ".jinja2", jobContext);

    /// <summary>
    /// Renders <paramref name="dictionary"/>, the device dictionary of <paramref name="hostname"/> as the lab store holds
    /// it, in place of any <c>HOSTNAME.jinja2</c> file; what it extends comes from the search path.
    /// </summary>
    public string RenderDevice(string hostname, string dictionary, IReadOnlyDictionary<string, object?>? jobContext)
    {
        var own = hostname + ".jinja2";
        return Render(name => name == own ? dictionary : _source(name), own, jobContext);
    }

    /// <summary>Renders <paramref name="hostname"/> and parses it as <see cref="DeviceYaml"/>: the device configuration a worker gets.</summary>
    public object? LoadDeviceConfiguration(string hostname, IReadOnlyDictionary<string, object?>? jobContext = null) =>
        DeviceYaml.Load(RenderDevice(hostname, jobContext));

    /// <summary>Renders any template on the search path by file name.</summary>
    public string Render(string templateName, IReadOnlyDictionary<string, object?>? variables = null) =>
        Render(_source, templateName, variables);

    private static string Render(Func<string, string?> source, string templateName, IReadOnlyDictionary<string, object?>? variables)
    {
        var parsed = new Dictionary<string, ParsedTemplate>();
        ParsedTemplate Load(string name)
        {
            if (parsed.TryGetValue(name, out var template)) return template;
            var text = source(name) ?? throw new TemplateRuntimeError($"template '{name}' not found");
            return parsed[name] = TemplateParser.Parse(name, text);
        }

        try
        {
            return TemplateRenderer.Render(Load, templateName, variables ?? new Dictionary<string, object?>());
        }
        catch (TemplateRuntimeError e)
        {
            throw new TemplateException(templateName, 0, e.Message, e);
        }
    }

    /// <summary>The template a device dictionary extends (e.g. <c>beaglebone-black.jinja2</c>), or null without exactly one extends.</summary>
    public string? ExtendedTemplate(string hostname)
    {
        var text = _source(hostname + ".jinja2") ?? throw new TemplateException(hostname + ".jinja2", 0, "template not found");
        var extends = TemplateParser.Parse(hostname + ".jinja2", text).Body.OfType<ExtendsStatement>().ToList();
        return extends is [{ Template: LiteralExpression { Value: string name } }] ? name : null;
    }
}
