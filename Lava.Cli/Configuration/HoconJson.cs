using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Lava.Cli.Configuration;

/// <summary>
/// Writes a resolved configuration as indented JSON, keys sorted. Akka.NET's parser keeps every scalar as text,
/// quoted or not, so <c>true</c>/<c>false</c> become booleans, text in JSON's number syntax a number, <c>null</c>
/// null, and anything else (durations, sizes, <c>on</c>) its HOCON text.
/// </summary>
internal static partial class HoconJson
{
    public static string Write(Config config)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteValue(json, config.Root);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, HoconValue value)
    {
        if (value.IsObject())
        {
            json.WriteStartObject();
            foreach (var (key, child) in value.GetObject().Items.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(key);
                WriteValue(json, child);
            }

            json.WriteEndObject();
        }
        else if (value.IsArray() || value.Values is [HoconArray]) // Akka's IsArray() is false for "[]"
        {
            json.WriteStartArray();
            foreach (var item in value.GetArray())
            {
                WriteValue(json, item);
            }

            json.WriteEndArray();
        }
        else
        {
            WriteScalar(json, value.GetString());
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, string? text)
    {
        switch (text)
        {
            case null:
                json.WriteNullValue();
                break;
            case "true" or "false":
                json.WriteBooleanValue(text == "true");
                break;
            case var _ when JsonNumber().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                json.WriteNumberValue(number); // decimal keeps the written scale: 8.0 stays 8.0
                break;
            default:
                json.WriteStringValue(text);
                break;
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
