using System.Text;
using Lava.Host.Master.Gateway.XmlRpc;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class XmlRpcCodecSpec
{
    private static XmlRpcRequest Parse(string xml, long max = 1 << 20) => XmlRpcCodec.ParseCall(new MemoryStream(Encoding.UTF8.GetBytes(xml)), max);

    [Fact]
    public void Codec_must_read_every_value_type_of_a_call()
    {
        var bytes = new byte[] { 0, 1, 2, 255 };
        var xml = XmlRpcClient.Call("a.b", 42, true, "  spaced <&> ", 1.5, bytes, null,
            new List<object?> { 1, "x" }, new Dictionary<string, object?> { ["k"] = "v", ["n"] = null });

        var call = Parse(xml.Replace("<int>42</int>", "<i4>42</i4>", StringComparison.Ordinal)
            .Replace("<params>", "<params><param><value>untyped</value></param><param><value><dateTime.iso8601>20261121T11:26:52</dateTime.iso8601></value></param>", StringComparison.Ordinal));

        Assert.Equal("a.b", call.MethodName);
        Assert.Equal("untyped", call.Params[0]);
        Assert.Equal(new DateTime(2026, 11, 21, 11, 26, 52), call.Params[1]);
        Assert.Equal(42, Assert.IsType<int>(call.Params[2]));
        Assert.Equal(true, call.Params[3]);
        Assert.Equal("  spaced <&> ", call.Params[4]);
        Assert.Equal(1.5, call.Params[5]);
        Assert.Equal(bytes, call.Params[6]);
        Assert.Null(call.Params[7]);
        Assert.Equal(new List<object?> { 1, "x" }, call.Params[8]);
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(call.Params[9]);
        Assert.Equal("v", map["k"]);
        Assert.Null(map["n"]);
    }

    [Fact]
    public void Response_must_round_trip_through_a_client()
    {
        var value = new Dictionary<string, object?>
        {
            ["i"] = 7,
            ["big"] = 5_000_000_000L,
            ["s"] = "a<b>&c",
            ["b"] = false,
            ["d"] = 0.25,
            ["t"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ["bin"] = new byte[] { 9, 8 },
            ["nil"] = null,
            ["list"] = new List<string> { "x", "y" },
        };

        var xml = Encoding.UTF8.GetString(XmlRpcCodec.WriteResponse(value));
        var parsed = Assert.IsType<Dictionary<string, object?>>(XmlRpcClient.Parse(xml.Replace("<i8>", "<string>", StringComparison.Ordinal).Replace("</i8>", "</string>", StringComparison.Ordinal)).Result);

        Assert.Contains("<i8>5000000000</i8>", xml, StringComparison.Ordinal);
        Assert.Equal(7, parsed["i"]);
        Assert.Equal("a<b>&c", parsed["s"]);
        Assert.Equal(false, parsed["b"]);
        Assert.Equal(0.25, parsed["d"]);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), parsed["t"]);
        Assert.Equal(new byte[] { 9, 8 }, parsed["bin"]);
        Assert.Null(parsed["nil"]);
        Assert.Equal(new List<object?> { "x", "y" }, parsed["list"]);
    }

    [Fact]
    public void Fault_must_carry_code_and_string()
    {
        var answer = XmlRpcClient.Parse(Encoding.UTF8.GetString(XmlRpcCodec.WriteFault(404, "Device 'x' was not found.")));

        Assert.Equal(404, answer.FaultCode);
        Assert.Equal("Device 'x' was not found.", answer.FaultString);
    }

    [Theory]
    [InlineData("<methodCall><methodName>x</methodName>", "not well-formed")]
    [InlineData("<notACall/>", "not a methodCall")]
    [InlineData("<methodCall><params/></methodCall>", "no methodName")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><int>abc</int></value></param></params></methodCall>", "not an integer")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>", "not a boolean")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><foo/></value></param></params></methodCall>", "unknown value type")]
    [InlineData("<!DOCTYPE methodCall [<!ENTITY e \"boom\">]><methodCall><methodName>&e;</methodName></methodCall>", "not well-formed")]
    public void Malformed_calls_must_be_refused_with_the_reason(string xml, string reason)
    {
        var e = Assert.Throws<XmlRpcFormatException>(() => Parse(xml));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_over_the_size_limit_must_be_refused()
    {
        var xml = XmlRpcClient.Call("x", new string('a', 5000));

        Assert.Throws<XmlRpcFormatException>(() => Parse(xml, max: 1000));
        Assert.Equal(new string('a', 5000), Parse(xml, max: 10_000).Params[0]);
    }

    [Fact]
    public void Values_nested_too_deep_must_be_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("<value><array><data>", XmlRpcCodec.MaxDepth + 1)) + string.Concat(Enumerable.Repeat("</data></array></value>", XmlRpcCodec.MaxDepth + 1));

        var e = Assert.Throws<XmlRpcFormatException>(() => Parse($"<methodCall><methodName>x</methodName><params><param>{deep}</param></params></methodCall>"));

        Assert.Contains("nested deeper", e.Message, StringComparison.Ordinal);
    }
}
