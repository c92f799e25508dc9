using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>Who may call a method: anyone (reads of public things), any user with a token, or superusers only.</summary>
internal enum XmlRpcAccess
{
    Anonymous,
    Login,
    Superuser,
}

/// <summary>One call being served: its parameters, the caller (null when anonymous), the request's services and cancellation.</summary>
internal sealed record XmlRpcCall(XmlRpcParams Params, ApiUser? User, IServiceProvider Services, CancellationToken Cancellation)
{
    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The caller's name for logs: "anonymous" when no token was given.</summary>
    public string Caller => User?.Username ?? "anonymous";
}

/// <summary>A method's code: returns the XML-RPC result (see <see cref="XmlRpcCodec"/> for the types), or throws <see cref="XmlRpcFault"/>.</summary>
internal delegate Task<object?> XmlRpcHandler(XmlRpcCall call);

/// <summary>A method of the table: its dotted name, who may call it, its help text and its signature (LAVA's argument list).</summary>
internal sealed record XmlRpcMethod(string Name, XmlRpcAccess Access, string Signature, string Help, XmlRpcHandler Handler);

/// <summary>
/// The XML-RPC methods served at <c>/RPC2</c>. Each area registers its own in a static <c>Register(XmlRpcMethods)</c>
/// of its own file (see <see cref="DeviceMethods"/>); MasterHost calls every area's Register before mapping the
/// endpoint. To serve more methods (e.g. scheduler.jobs.submit), add a file <c>JobMethods.cs</c> with
/// <c>public static void Register(XmlRpcMethods methods)</c> calling <see cref="Add"/> once per method, and call it
/// in MasterHost next to the others; <see cref="XmlRpcAccess"/> decides the 401/403 faults before the handler runs,
/// <see cref="XmlRpcParams"/> reads the arguments, a handler throws <see cref="XmlRpcFault"/> for its refusals.
/// </summary>
internal sealed class XmlRpcMethods
{
    private readonly Dictionary<string, XmlRpcMethod> _methods = new(StringComparer.Ordinal);

    /// <summary>Every method, ordered by name.</summary>
    public IEnumerable<XmlRpcMethod> All => _methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal);

    /// <summary>Adds a method; a name may be registered once.</summary>
    public XmlRpcMethods Add(string name, XmlRpcAccess access, string signature, string help, XmlRpcHandler handler)
    {
        if (!_methods.TryAdd(name, new XmlRpcMethod(name, access, signature, help, handler)))
        {
            throw new InvalidOperationException($"XML-RPC method {name} is registered twice");
        }

        return this;
    }

    public bool TryGet(string name, out XmlRpcMethod method) => _methods.TryGetValue(name, out method!);
}
