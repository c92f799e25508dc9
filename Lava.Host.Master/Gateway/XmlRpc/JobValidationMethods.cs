using Lava.Host.Master.Gateway.Lab;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary><c>scheduler.jobs.validate</c> and <c>scheduler.tags.list</c>: what needs no job store.</summary>
internal static class JobValidationMethods
{
    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("scheduler.jobs.validate", XmlRpcAccess.Anonymous, "(definition, strict=False)",
            "Validates a job definition with LAVA's strict schema: {} when valid, else {path, msg}. A YAML syntax error names its line and column.", call =>
        {
            var p = call.Params.AtMost(2, "scheduler.jobs.validate");
            var error = JobValidation.Validate(p.String(0, "definition"), p.Bool(1, "strict", fallback: false));
            return Task.FromResult<object?>(error is null
                ? new Dictionary<string, object?>()
                : new Dictionary<string, object?> { ["path"] = error.Path, ["msg"] = error.Message });
        });
        methods.Add("scheduler.tags.list", XmlRpcAccess.Anonymous, "()", "Every device tag, with its description.", async call =>
        {
            call.Params.AtMost(0, "scheduler.tags.list");
            var tags = await call.Service<LabService>().ListTagsAsync(call.Cancellation);
            return tags.Select(t => new Dictionary<string, object?> { ["name"] = t, ["description"] = null }).ToList();
        });
    }
}
