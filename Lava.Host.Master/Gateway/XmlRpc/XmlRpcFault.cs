namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// An XML-RPC fault a method raises to answer its caller: LAVA's HTTP-like codes (400, 401, 403, 404) or the
/// XML-RPC spec's (−32601 unknown method, −32602 bad parameters, −32603 internal error).
/// </summary>
internal sealed class XmlRpcFault(int code, string message) : Exception(message)
{
    public const int NoSuchMethod = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ParseError = -32700;

    public int Code { get; } = code;

    public static XmlRpcFault BadRequest(string message) => new(400, message);

    public static XmlRpcFault NotFound(string message) => new(404, message);

    public static XmlRpcFault Forbidden(string message = "Permission denied.") => new(403, message);

    public static XmlRpcFault LoginRequired() => new(401, "Authentication with user and token required for this API.");
}
