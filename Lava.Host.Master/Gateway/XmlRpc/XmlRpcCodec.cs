using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>One parsed <c>methodCall</c>: the method's name and its parameters as <see cref="XmlRpcCodec"/> maps them.</summary>
internal sealed record XmlRpcRequest(string MethodName, IReadOnlyList<object?> Params);

/// <summary>A request body that is not a well-formed, acceptable <c>methodCall</c>; answered with a fault.</summary>
internal sealed class XmlRpcFormatException(string message) : Exception(message);

/// <summary>
/// XML-RPC as Python's xmlrpc.client (lavacli) speaks it, with <c>nil</c>. Values map to CLR types both ways:
/// int/i4/i8 ↔ <see cref="int"/> (<see cref="long"/> beyond 32 bits), boolean ↔ <see cref="bool"/>, string (or an
/// untyped value) ↔ <see cref="string"/>, double ↔ <see cref="double"/>, dateTime.iso8601 ↔ <see cref="DateTime"/>,
/// base64 ↔ <see cref="byte"/>[], struct ↔ <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string keys (parsed as an
/// ordered dictionary), array ↔ <see cref="IList"/> (parsed as a list), nil ↔ null. DTDs are refused; documents are
/// limited in size and in nesting depth.
/// </summary>
internal static class XmlRpcCodec
{
    public const int MaxDepth = 64;
    private const string DateFormat = "yyyyMMdd'T'HH:mm:ss";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Parses a <c>methodCall</c> of at most <paramref name="maxCharacters"/> characters.</summary>
    /// <exception cref="XmlRpcFormatException">Malformed XML, a DTD, a document too large or too deep, or not a methodCall.</exception>
    public static XmlRpcRequest ParseCall(Stream body, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            CloseInput = false,
        };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(body, settings);
            document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException($"the request is not well-formed XML: {e.Message}");
        }

        var call = document.Root is { Name.LocalName: "methodCall" } root ? root : throw new XmlRpcFormatException("the request is not a methodCall");
        var name = call.Element("methodName")?.Value.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new XmlRpcFormatException("the methodCall has no methodName");
        }

        var parameters = call.Element("params")?.Elements("param")
            .Select(p => ReadValue(p.Element("value") ?? throw new XmlRpcFormatException("a param has no value"), 1))
            .ToList() ?? [];
        return new XmlRpcRequest(name, parameters);
    }

    /// <summary>A <c>methodResponse</c> carrying <paramref name="value"/>.</summary>
    public static byte[] WriteResponse(object? value) => Write(writer =>
    {
        writer.WriteStartElement("params");
        writer.WriteStartElement("param");
        WriteValue(writer, value, 1);
        writer.WriteEndElement();
        writer.WriteEndElement();
    });

    /// <summary>A <c>methodResponse</c> carrying a fault.</summary>
    public static byte[] WriteFault(int code, string message) => Write(writer =>
    {
        writer.WriteStartElement("fault");
        WriteValue(writer, new Dictionary<string, object?> { ["faultCode"] = code, ["faultString"] = message }, 1);
        writer.WriteEndElement();
    });

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = Utf8, Indent = false }))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("methodResponse");
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }

    private static object? ReadValue(XElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new XmlRpcFormatException($"values are nested deeper than {MaxDepth} levels");
        }

        if (value.Elements().FirstOrDefault() is not { } typed)
        {
            return value.Value;
        }

        var text = typed.Value;
        return typed.Name.LocalName switch
        {
            "int" or "i4" or "i8" => ReadInteger(text),
            "boolean" => text.Trim() switch
            {
                "1" => true,
                "0" => false,
                _ => throw new XmlRpcFormatException($"'{text}' is not a boolean (0 or 1)"),
            },
            "string" => text,
            "double" => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new XmlRpcFormatException($"'{text}' is not a double"),
            "dateTime.iso8601" => DateTime.TryParseExact(text.Trim(), [DateFormat, "yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HHmmss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? t
                : throw new XmlRpcFormatException($"'{text}' is not a dateTime.iso8601"),
            "base64" => ReadBase64(text),
            "nil" => null,
            "struct" => ReadStruct(typed, depth),
            "array" => (typed.Element("data") ?? throw new XmlRpcFormatException("an array has no data"))
                .Elements("value").Select(v => ReadValue(v, depth + 1)).ToList(),
            var other => throw new XmlRpcFormatException($"unknown value type '{other}'"),
        };
    }

    private static object ReadInteger(string text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n is >= int.MinValue and <= int.MaxValue ? (object)(int)n : n
            : throw new XmlRpcFormatException($"'{text}' is not an integer");

    private static byte[] ReadBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new XmlRpcFormatException("a base64 value is not valid base64");
        }
    }

    private static OrderedDictionary<string, object?> ReadStruct(XElement element, int depth)
    {
        var members = new OrderedDictionary<string, object?>();
        foreach (var member in element.Elements("member"))
        {
            var name = member.Element("name")?.Value ?? throw new XmlRpcFormatException("a struct member has no name");
            members[name] = ReadValue(member.Element("value") ?? throw new XmlRpcFormatException($"struct member '{name}' has no value"), depth + 1);
        }

        return members;
    }

    private static void WriteValue(XmlWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"a response value is nested deeper than {MaxDepth} levels");
        }

        writer.WriteStartElement("value");
        switch (value)
        {
            case null:
                writer.WriteElementString("nil", "");
                break;
            case string s:
                writer.WriteElementString("string", s);
                break;
            case bool b:
                writer.WriteElementString("boolean", b ? "1" : "0");
                break;
            case int or short or byte:
                writer.WriteElementString("int", Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case long l:
                writer.WriteElementString(l is >= int.MinValue and <= int.MaxValue ? "int" : "i8", l.ToString(CultureInfo.InvariantCulture));
                break;
            case double or float:
                writer.WriteElementString("double", Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                writer.WriteElementString("dateTime.iso8601", t.ToString(DateFormat, CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset t:
                writer.WriteElementString("dateTime.iso8601", t.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                writer.WriteElementString("base64", Convert.ToBase64String(bytes));
                break;
            case IEnumerable<KeyValuePair<string, object?>> members:
                writer.WriteStartElement("struct");
                foreach (var (name, member) in members)
                {
                    writer.WriteStartElement("member");
                    writer.WriteElementString("name", name);
                    WriteValue(writer, member, depth + 1);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
                break;
            case IEnumerable items:
                writer.WriteStartElement("array");
                writer.WriteStartElement("data");
                foreach (var item in items)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
                break;
            default:
                throw new InvalidOperationException($"{value.GetType().Name} has no XML-RPC form");
        }

        writer.WriteEndElement();
    }
}
