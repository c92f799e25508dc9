using System.Globalization;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace Lava.Host.Master.Tests;

/// <summary>The answer to one call: the result, or a fault's code and string.</summary>
internal sealed record XmlRpcAnswer(object? Result, int? FaultCode, string? FaultString)
{
    public T Value<T>() => FaultCode is null ? (T)Result! : throw new InvalidOperationException($"fault {FaultCode}: {FaultString}");
}

/// <summary>A minimal XML-RPC client over HttpClient, as lavacli's transport calls /RPC2 (Basic user:token when given).</summary>
internal sealed class XmlRpcClient(Uri baseAddress, string? username = null, string? token = null) : IDisposable
{
    private readonly HttpClient _http = Create(baseAddress, username, token);

    public async Task<XmlRpcAnswer> CallAsync(string method, params object?[] parameters)
    {
        using var response = await PostAsync(Call(method, parameters));
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> PostAsync(string body) =>
        _http.PostAsync("RPC2", new StringContent(body, Encoding.UTF8, "text/xml"));

    public void Dispose() => _http.Dispose();

    public static string Call(string method, params object?[] parameters) =>
        $"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{string.Concat(parameters.Select(p => $"<param>{Value(p)}</param>"))}</params></methodCall>";

    public static XmlRpcAnswer Parse(string xml)
    {
        var root = XDocument.Parse(xml).Root!;
        if (root.Element("fault") is { } fault)
        {
            var members = (Dictionary<string, object?>)Read(fault.Element("value")!)!;
            return new XmlRpcAnswer(null, (int)members["faultCode"]!, (string)members["faultString"]!);
        }

        return new XmlRpcAnswer(Read(root.Element("params")!.Element("param")!.Element("value")!), null, null);
    }

    private static HttpClient Create(Uri baseAddress, string? username, string? token)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        if (username is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{token}")));
        }

        return http;
    }

    private static string Value(object? value) => "<value>" + value switch
    {
        null => "<nil/>",
        string s => $"<string>{SecurityElement.Escape(s)}</string>",
        bool b => $"<boolean>{(b ? 1 : 0)}</boolean>",
        int i => $"<int>{i}</int>",
        double d => $"<double>{d.ToString("R", CultureInfo.InvariantCulture)}</double>",
        byte[] bytes => $"<base64>{Convert.ToBase64String(bytes)}</base64>",
        IDictionary<string, object?> map => "<struct>" + string.Concat(map.Select(m => $"<member><name>{m.Key}</name>{Value(m.Value)}</member>")) + "</struct>",
        IEnumerable<object?> items => "<array><data>" + string.Concat(items.Select(Value)) + "</data></array>",
        _ => throw new ArgumentException($"no XML-RPC form for {value.GetType()}"),
    } + "</value>";

    private static object? Read(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null) return value.Value;
        return typed.Name.LocalName switch
        {
            "int" or "i4" => int.Parse(typed.Value, CultureInfo.InvariantCulture),
            "boolean" => typed.Value == "1",
            "string" => typed.Value,
            "double" => double.Parse(typed.Value, CultureInfo.InvariantCulture),
            "dateTime.iso8601" => DateTime.ParseExact(typed.Value, "yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            "base64" => Convert.FromBase64String(typed.Value),
            "nil" => null,
            "struct" => typed.Elements("member").ToDictionary(m => m.Element("name")!.Value, m => Read(m.Element("value")!)),
            "array" => typed.Element("data")!.Elements("value").Select(Read).ToList(),
            var other => throw new FormatException($"unknown type {other}"),
        };
    }
}
