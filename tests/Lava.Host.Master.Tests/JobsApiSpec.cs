using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

/// <summary>
/// Jobs through the REST and XML-RPC gateway of a real master (no worker: jobs wait for a device): submission and
/// LAVA's refusals, who may submit, see, cancel and resubmit, and that a refused call changes nothing.
/// </summary>
public sealed class JobsApiSpec : IAsyncLifetime
{
    private const string Job = """
        device_type: qemu
        job_name: api
        visibility: VISIBILITY
        timeouts:
          job:
            minutes: 10
        actions:
        - boot:
            method: qemu
            media: tmpfs

        """;

    private TestMaster _master = null!;

    public async Task InitializeAsync()
    {
        _master = await TestMaster.StartAsync();
        await _master.AddWaitingQemuDeviceAsync();
    }

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task A_submission_must_answer_its_ids_and_the_job_be_shown_queued()
    {
        using var admin = _master.Client();

        var id = await SubmitAsync(admin, "public");

        var job = await admin.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/");
        Assert.Equal(("Submitted", "Unknown", "qemu", "admin"), (Text(job, "state"), Text(job, "health"), Text(job, "requested_device_type"), Text(job, "submitter")));
        Assert.Equal("no tests", job.GetProperty("tests").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Refused_submissions_must_answer_400_with_LAVAs_message_and_create_no_job()
    {
        using var admin = _master.Client();

        var noVisibility = await RefusalAsync(admin, Job.Replace("visibility: VISIBILITY\n", "", StringComparison.Ordinal));
        var badYaml = await RefusalAsync(admin, "job_name: [unclosed\n");
        var unknownType = await RefusalAsync(admin, Job.Replace("qemu", "juno", StringComparison.Ordinal).Replace("VISIBILITY", "public", StringComparison.Ordinal));
        var v1 = await RefusalAsync(admin, """{"timeout": 18000, "job_name": "v1", "actions": [{"command": "deploy_linaro_image"}]}""");

        Assert.Equal("Problem with submitted job data: required key not provided @ data['visibility']", Text(noVisibility, "message"));
        Assert.StartsWith("Invalid job definition: ", Text(badYaml, "message"), StringComparison.Ordinal);
        Assert.InRange(badYaml.GetProperty("line").GetInt64(), 1, 2);
        Assert.True(badYaml.GetProperty("column").GetInt64() >= 1);
        Assert.Equal("Device unavailable: Device type 'juno' is unavailable.", Text(unknownType, "message"));
        Assert.Equal("Problem with submitted job data: extra keys not allowed @ data['timeout']", Text(v1, "message"));
        // No id was allocated: a job accepted a moment ago would be found through its supervisor.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("api/v0.2/jobs/1/")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_writes_must_be_refused_and_anonymous_reads_see_public_jobs_only()
    {
        using var admin = _master.Client();
        var open = await SubmitAsync(admin, "public");
        var personal = await SubmitAsync(admin, "personal");
        using var anonymous = _master.Client("");

        using var submit = await anonymous.PostAsJsonAsync("api/v0.2/jobs/", new { definition = Job.Replace("VISIBILITY", "public", StringComparison.Ordinal) });
        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/v0.2/jobs/{open}/cancel/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"api/v0.2/jobs/{open}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"api/v0.2/jobs/{personal}/")).StatusCode);
        await WaitForProjectedAsync(admin, 2);
        Assert.Equal([open], Ids(await anonymous.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/")));
        Assert.Equal("Submitted", Text(await admin.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{open}/"), "state"));
    }

    [Fact]
    public async Task Another_user_must_not_cancel_a_job_and_sees_a_group_job_only_as_a_member()
    {
        using var admin = _master.Client();
        using var bob = await UserAsync(admin, "bob");
        using var carol = await UserAsync(admin, "carol");
        await admin.PostAsJsonAsync("api/v0.2/groups/", new { name = "lab" });
        await admin.PostAsJsonAsync("api/v0.2/groups/lab/members/", new { username = "carol" });
        var grouped = await SubmitAsync(admin, "{group: [lab]}");

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"api/v0.2/jobs/{grouped}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync($"api/v0.2/jobs/{grouped}/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync($"api/v0.2/jobs/{grouped}/cancel/")).StatusCode);
        Assert.Equal(JobState.Submitted, (await SupervisorStatusAsync(grouped)).State);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"api/v0.2/jobs/{grouped}/cancel/")).StatusCode);
        // Reads follow the journal through the projection: the cancel shows a moment later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement canceled;
        while (Text(canceled = await admin.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{grouped}/"), "state") != "Finished")
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {grouped} is still {Text(canceled, "state")}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
        Assert.Equal("Canceled", Text(canceled, "health"));
    }

    [Fact]
    public async Task XML_RPC_submit_must_need_a_token_and_answer_LAVAs_faults()
    {
        using var anonymous = _master.Client("");
        var definition = System.Security.SecurityElement.Escape(Job.Replace("VISIBILITY", "public", StringComparison.Ordinal));

        var refused = await CallAsync(anonymous, "scheduler.jobs.submit", $"<param><value><string>{definition}</string></value></param>");
        using var admin = new HttpClient { BaseAddress = _master.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{_master.AdminToken}")));
        var accepted = await CallAsync(admin, "scheduler.jobs.submit", $"<param><value><string>{definition}</string></value></param>");
        var problem = await CallAsync(admin, "scheduler.jobs.submit", "<param><value><string>job_name: x\n</string></value></param>");

        Assert.Contains("<name>faultCode</name><value><int>401</int>", refused, StringComparison.Ordinal);
        Assert.Contains("<int>", accepted, StringComparison.Ordinal);
        Assert.DoesNotContain("faultCode", accepted, StringComparison.Ordinal);
        Assert.Contains("<int>400</int>", problem, StringComparison.Ordinal);
        Assert.Contains("Problem with submitted job data: required key not provided", problem, StringComparison.Ordinal);
        using var rest = _master.Client();
        Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync("api/v0.2/jobs/1/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetAsync("api/v0.2/jobs/2/")).StatusCode);
    }

    /// <summary>The job as its supervisor knows it now (the read models may lag it).</summary>
    private async Task<JobStatus> SupervisorStatusAsync(long id)
    {
        var region = await _master.Services.GetRequiredService<IRequiredActor<JobSupervisorRegion>>().GetAsync();
        return await region.Ask<JobStatus>(new GetJobStatus(id), TimeSpan.FromSeconds(10));
    }

    private async Task<long> SubmitAsync(HttpClient client, string visibility)
    {
        using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition = Job.Replace("VISIBILITY", visibility, StringComparison.Ordinal) });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("job_ids")[0].GetInt64();
    }

    private static async Task<JsonElement> RefusalAsync(HttpClient client, string definition)
    {
        using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body.ToString());
        return body;
    }

    private async Task<HttpClient> UserAsync(HttpClient admin, string name)
    {
        using var created = await admin.PostAsJsonAsync("api/v0.2/users/", new { username = name });
        return _master.Client((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
    }

    private static async Task<string> CallAsync(HttpClient client, string method, string parameters)
    {
        using var content = new StringContent($"<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>{parameters}</params></methodCall>", Encoding.UTF8, "text/xml");
        using var response = await client.PostAsync("RPC2", content);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Lists follow the journal through the projection: waits until it holds <paramref name="count"/> jobs.</summary>
    private static async Task WaitForProjectedAsync(HttpClient admin, long count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await admin.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/")).GetProperty("count").GetInt64() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the job list did not reach {count} jobs");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static IEnumerable<long> Ids(JsonElement page) => page.GetProperty("results").EnumerateArray().Select(j => j.GetProperty("id").GetInt64());

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
