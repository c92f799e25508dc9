using Microsoft.Extensions.Configuration;

namespace Lava.Kernel.Configuration;

/// <summary>
/// Exposes a resolved HOCON configuration through <see cref="IConfiguration"/>: the path <c>a.b.c</c>
/// becomes the key <c>a:b:c</c>, array elements become <c>a:0</c>, <c>a:1</c>…, scalars are their written
/// text, <c>null</c> is a null value. Keys are case-insensitive, as <see cref="IConfiguration"/> requires.
/// </summary>
public sealed class HoconConfigurationProvider(HoconConfigurationSource source) : ConfigurationProvider
{
    /// <summary>Loads (or reloads) the file or configuration named by the source.</summary>
    /// <exception cref="ConfigException">The file is missing (and not optional), invalid, or cannot be resolved.</exception>
    public override void Load()
    {
        var config = source.Config;
        if (config is null)
        {
            var path = source.Path ?? throw new InvalidOperationException("HoconConfigurationSource needs a Path or a Config");
            if (source.Optional && !File.Exists(path))
            {
                Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                return;
            }

            config = ConfigFactory.ParseFile(path);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(config.Resolved, null, data);
        Data = data;
    }

    private static void Flatten(HoconNode node, string? key, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case HoconObject obj:
                foreach (var (name, child) in obj.Fields)
                {
                    Flatten(child, key is null ? name : ConfigurationPath.Combine(key, name), data);
                }

                // Like the JSON provider: an empty object or array still shows up as a key.
                if (obj.Fields.Count == 0 && key is not null)
                {
                    data[key] = null;
                }

                break;
            case HoconArray array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    Flatten(array.Items[i], ConfigurationPath.Combine(key ?? string.Empty, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data);
                }

                if (array.Items.Count == 0 && key is not null)
                {
                    data[key] = null;
                }

                break;
            case HoconScalar scalar when key is not null:
                data[key] = scalar.Kind == ScalarKind.Null ? null : scalar.Text;
                break;
        }
    }
}
