using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lava.Kernel.Configuration;

/// <summary>Renders a resolved tree as indented JSON with object keys in ordinal order, so output is diffable.</summary>
internal static class ConfigJsonWriter
{
    public static string Write(HoconNode node)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // Config values are read by people; escaping '+' or non-ASCII letters only hurts that.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            WriteNode(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter writer, HoconNode node)
    {
        switch (node)
        {
            case HoconObject obj:
                writer.WriteStartObject();
                foreach (var key in obj.Fields.Keys.Order(StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, obj.Fields[key]);
                }

                writer.WriteEndObject();
                break;
            case HoconArray array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    WriteNode(writer, item);
                }

                writer.WriteEndArray();
                break;
            case HoconScalar { Kind: ScalarKind.Number } number:
                WriteNumber(writer, number.Text);
                break;
            case HoconScalar { Kind: ScalarKind.Boolean } boolean:
                writer.WriteBooleanValue(boolean.Text == "true");
                break;
            case HoconScalar { Kind: ScalarKind.Null }:
                writer.WriteNullValue();
                break;
            case HoconScalar text:
                writer.WriteStringValue(text.Text);
                break;
            default:
                throw new InvalidOperationException($"cannot write an unresolved {node.GetType().Name} as JSON");
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string text)
    {
        // Raw values would break the indentation, so numbers go through typed writes; decimal keeps `1.50` as written.
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            writer.WriteNumberValue(exact);
        }
        else
        {
            writer.WriteNumberValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
