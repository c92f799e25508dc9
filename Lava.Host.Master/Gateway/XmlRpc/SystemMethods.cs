namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary><c>system.*</c>: the version lavacli asks first, the API version, the caller, and introspection over the method table.</summary>
internal static class SystemMethods
{
    public static void Register(XmlRpcMethods methods, string version)
    {
        methods.Add("system.version", XmlRpcAccess.Anonymous, "()", "The version of the Lava master.", _ => Task.FromResult<object?>(version));
        methods.Add("system.api_version", XmlRpcAccess.Anonymous, "()", "The version of the XML-RPC API: 2, as LAVA 2023.01.", _ => Task.FromResult<object?>(2));
        methods.Add("system.whoami", XmlRpcAccess.Anonymous, "()", "The caller's username, or nil when anonymous.", call => Task.FromResult<object?>(call.User?.Username));
        methods.Add("system.listMethods", XmlRpcAccess.Anonymous, "()", "The names of every method.", _ => Task.FromResult<object?>(methods.All.Select(m => m.Name).ToList()));
        methods.Add("system.methodHelp", XmlRpcAccess.Anonymous, "(method_name)", "The help text of a method.", call =>
            Task.FromResult<object?>(Find(methods, call) is { } m ? $"{m.Name}{m.Signature}\n\n{m.Help}{AccessNote(m.Access)}" : ""));
        methods.Add("system.methodSignature", XmlRpcAccess.Anonymous, "(method_name)", "Signatures are not described: answers 'signatures not supported', as LAVA.", call =>
            Task.FromResult<object?>(Find(methods, call) is null ? "" : "signatures not supported"));
        methods.Add("system.getCapabilities", XmlRpcAccess.Anonymous, "()", "The XML-RPC specifications this server follows.", _ => Task.FromResult<object?>(new Dictionary<string, object?>
        {
            ["introspect"] = Capability("http://xmlrpc-c.sourceforge.net/xmlrpc-c/introspection.html", 1),
            ["faults_interop"] = Capability("http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php", 20010516),
            ["system.multicall"] = Capability("http://www.xmlrpc.com/discuss/msgReader$1208", 1),
        }));
        methods.Add("system.multicall", XmlRpcAccess.Anonymous, "(calls)", "Runs several calls ({methodName, params}) in order: each answers [result] or a fault struct.", call => MulticallAsync(methods, call));
    }

    private static XmlRpcMethod? Find(XmlRpcMethods methods, XmlRpcCall call) =>
        methods.TryGet(call.Params.AtMost(1, "system.methodHelp").String(0, "method_name"), out var method) ? method : null;

    private static string AccessNote(XmlRpcAccess access) => access switch
    {
        XmlRpcAccess.Superuser => "\n[superuser only]",
        XmlRpcAccess.Login => "\n[authenticated users only]",
        _ => "",
    };

    private static Dictionary<string, object?> Capability(string url, int version) => new() { ["specUrl"] = url, ["specVersion"] = version };

    private static async Task<object?> MulticallAsync(XmlRpcMethods methods, XmlRpcCall call)
    {
        if (call.Params.AtMost(1, "system.multicall").Raw(0) is not IList<object?> calls)
        {
            throw new XmlRpcFault(XmlRpcFault.InvalidParams, "calls: an array of {methodName, params} structs is required");
        }

        var results = new List<object?>();
        foreach (var item in calls)
        {
            try
            {
                if (item is not IReadOnlyDictionary<string, object?> one || !one.TryGetValue("methodName", out var name) || name is not string method)
                {
                    throw new XmlRpcFault(XmlRpcFault.InvalidParams, "each call must be a struct with a methodName");
                }

                if (method == "system.multicall")
                {
                    throw new XmlRpcFault(XmlRpcFault.InvalidParams, "system.multicall cannot be nested");
                }

                var parameters = one.TryGetValue("params", out var p) ? p as IReadOnlyList<object?> ?? throw new XmlRpcFault(XmlRpcFault.InvalidParams, "params must be an array") : [];
                results.Add(new List<object?> { await XmlRpcEndpoint.DispatchAsync(methods, method, parameters, call.User, call.Services, call.Cancellation) });
            }
            catch (XmlRpcFault fault)
            {
                results.Add(new Dictionary<string, object?> { ["faultCode"] = fault.Code, ["faultString"] = fault.Message });
            }
        }

        return results;
    }
}
