using System.Globalization;
using Lava.Actors.Jobs.ReadModels;

namespace Lava.Host.Master.Gateway.XmlRpc;

/// <summary>
/// <c>results.*</c> as lavacli 1.2 calls them (spec §7.2): a job's test cases as LAVA's YAML or CSV export, by job, suite
/// or case, the suites of a job, and the job's metadata. A job the caller may not view is answered 404.
/// </summary>
internal static class ResultMethods
{
    public static void Register(XmlRpcMethods methods)
    {
        methods.Add("results.get_testjob_results_yaml", XmlRpcAccess.Anonymous, "(job_id)", "Every test case of the job, as LAVA's YAML export.", async call =>
            ResultsExport.Yaml(await CasesAsync(call, 1, "results.get_testjob_results_yaml", suite: null)));
        methods.Add("results.get_testjob_results_csv", XmlRpcAccess.Anonymous, "(job_id)", "Every test case of the job, as LAVA's CSV export.", async call =>
            ResultsExport.Csv(await CasesAsync(call, 1, "results.get_testjob_results_csv", suite: null)));
        methods.Add("results.get_testsuite_results_yaml", XmlRpcAccess.Anonymous, "(job_id, suite_name, limit=None, offset=None)",
            "The test cases of one suite of the job, as YAML.", async call =>
                ResultsExport.Yaml(await CasesAsync(call, 4, "results.get_testsuite_results_yaml", call.Params.String(1, "suite_name"))));
        methods.Add("results.get_testsuite_results_csv", XmlRpcAccess.Anonymous, "(job_id, suite_name, limit=None, offset=None)",
            "The test cases of one suite of the job, as CSV.", async call =>
                ResultsExport.Csv(await CasesAsync(call, 4, "results.get_testsuite_results_csv", call.Params.String(1, "suite_name"))));
        methods.Add("results.get_testsuite_results_count", XmlRpcAccess.Anonymous, "(job_id, suite_name)", "How many test cases the suite has.", async call =>
        {
            var p = call.Params.AtMost(2, "results.get_testsuite_results_count");
            var job = await FindAsync(call, p);
            return (int)await call.Service<ResultsStore>().CountCasesAsync(job, p.String(1, "suite_name"), call.Cancellation);
        });
        methods.Add("results.get_testcase_results_yaml", XmlRpcAccess.Anonymous, "(job_id, suite_name, case_name)", "One test case, as YAML.", async call =>
            ResultsExport.Yaml(await CaseAsync(call, "results.get_testcase_results_yaml")));
        methods.Add("results.get_testcase_results_csv", XmlRpcAccess.Anonymous, "(job_id, suite_name, case_name)", "One test case, as CSV.", async call =>
            ResultsExport.Csv(await CaseAsync(call, "results.get_testcase_results_csv")));
        methods.Add("results.get_testjob_suites_list_yaml", XmlRpcAccess.Anonymous, "(job_id)", "The suites of the job, as YAML.", async call =>
        {
            var p = call.Params.AtMost(1, "results.get_testjob_suites_list_yaml");
            var job = await FindAsync(call, p);
            var suites = await call.Service<ResultsStore>().ListSuitesAsync(job, call.Cancellation);
            return string.Concat(suites.Select(s => $"- id: '{s.Id.ToString(CultureInfo.InvariantCulture)}'\n  job: '{job.ToString(CultureInfo.InvariantCulture)}'\n  name: {s.Name}\n"));
        });
        methods.Add("results.get_testjob_metadata", XmlRpcAccess.Anonymous, "(job_id)", "The job's metadata, as a list of one-entry maps.", async call =>
        {
            var p = call.Params.AtMost(1, "results.get_testjob_metadata");
            var job = await FindAsync(call, p);
            var metadata = await call.Service<ResultsStore>().GetMetadataAsync(job, call.Cancellation) ?? [];
            return metadata.Select(kv => (object?)new Dictionary<string, object?> { [kv.Key] = kv.Value }).ToList();
        });
    }

    private static async Task<IReadOnlyList<StoredTestCase>> CasesAsync(XmlRpcCall call, int maxParams, string method, string? suite)
    {
        var p = call.Params.AtMost(maxParams, method);
        var job = await FindAsync(call, p);
        var limit = maxParams > 1 ? p.OptionalInt(2, "limit") : null;
        var offset = maxParams > 1 ? p.OptionalInt(3, "offset") ?? 0 : 0;
        return await call.Service<ResultsStore>().ListCasesAsync(job, suite, limit, offset, call.Cancellation);
    }

    private static async Task<IReadOnlyList<StoredTestCase>> CaseAsync(XmlRpcCall call, string method)
    {
        var p = call.Params.AtMost(3, method);
        var job = await FindAsync(call, p);
        var cases = await call.Service<ResultsStore>().FindCasesAsync(job, p.String(1, "suite_name"), p.String(2, "case_name"), call.Cancellation);
        return cases.Count > 0 ? cases : throw XmlRpcFault.NotFound("Test case not found.");
    }

    /// <summary>The id of the job named by the first parameter, once the caller may view it.</summary>
    private static async Task<long> FindAsync(XmlRpcCall call, XmlRpcParams p) => (await JobMethods.FindAsync(call, JobMethods.JobId(p, 0))).Id;
}
