using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

/// <summary>
/// The web UI's endpoints on a real master without a browser (jobs wait for a device): pages, web UI passwords,
/// antiforgery, log ranges through the line index with the API's visibility, and a live stream's first event.
/// </summary>
public sealed class UiEndpointsSpec : IAsyncLifetime
{
    private const string Job = """
        device_type: qemu
        job_name: ui
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
    public async Task The_pages_must_render_and_an_unknown_job_be_404()
    {
        using var anonymous = _master.Client("");
        foreach (var path in new[] { "", "jobs", "devices", "devices/qemu01", "device-types", "workers", "queue", "login" })
        {
            using var page = await anonymous.GetAsync(path);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"/{path}: {(int)page.StatusCode}");
            Assert.Contains("<header class=\"top\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("jobs/999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("devices/nothing")).StatusCode);
    }

    [Fact]
    public async Task A_password_must_be_set_by_a_superuser_or_its_user_and_a_form_without_its_token_refused()
    {
        using var admin = _master.Client();
        var alice = (await (await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "alice" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "bob" });
        using var asAlice = _master.Client(alice);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("api/v0.2/users/alice/password/", new { password = "first password" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asAlice.PostAsJsonAsync("api/v0.2/users/alice/password/", new { password = "second password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asAlice.PostAsJsonAsync("api/v0.2/users/bob/password/", new { password = "bobs password" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("api/v0.2/users/bob/password/", new { password = "short" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("api/v0.2/users/carol/password/", new { password = "long enough" })).StatusCode);
        var stored = await _master.Services.GetRequiredService<IUserPasswords>().FindPasswordHashAsync("alice");
        Assert.True(UserPasswords.Verify("second password", stored!.Value.PasswordHash));

        using var browser = _master.Client("");
        using var forged = await browser.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "second password" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Log_ranges_must_come_from_the_line_index_and_only_for_jobs_the_viewer_may_see()
    {
        using var admin = _master.Client();
        var open = await SubmitAsync(admin, "public");
        var secret = await SubmitAsync(admin, "personal");
        var logs = _master.Services.GetRequiredService<JobLogStore>();
        var at = DateTimeOffset.UtcNow;
        foreach (var id in new[] { open, secret })
        {
            await logs.AppendAsync(id, [.. Enumerable.Range(0, 100).Select(n => LogRecord.Text(at, "target", $"line {n}"))]);
        }

        using var anonymous = _master.Client("");
        var tail = await anonymous.GetFromJsonAsync<JsonElement>($"ui/jobs/{open}/log?tail=3");
        Assert.Equal((100, 97), (tail.GetProperty("total").GetInt64(), tail.GetProperty("start").GetInt64()));
        Assert.Equal(["line 97", "line 98", "line 99"], tail.GetProperty("lines").EnumerateArray().Select(l => ((LogText)LogLine.Parse(l.GetString()!).Msg).Value));
        var range = await anonymous.GetFromJsonAsync<JsonElement>($"ui/jobs/{open}/log?start=10&end=12");
        Assert.Equal(2, range.GetProperty("lines").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"ui/jobs/{secret}/log?tail=3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"ui/jobs/{secret}/log/download")).StatusCode);
        Assert.Equal(100, (await (await anonymous.GetAsync($"ui/jobs/{open}/log/download")).Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_live_stream_of_one_job_must_start_with_its_state_and_the_live_log_with_its_lines()
    {
        using var admin = _master.Client();
        var id = await SubmitAsync(admin, "public");
        await _master.Services.GetRequiredService<JobLogStore>().AppendAsync(id, [LogRecord.Text(DateTimeOffset.UtcNow, "info", "first")]);
        using var anonymous = _master.Client("");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var jobs = await anonymous.GetAsync($"ui/live/jobs?job={id}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", jobs.Content.Headers.ContentType?.MediaType);
        using var jobEvents = new StreamReader(await jobs.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal(": live", await jobEvents.ReadLineAsync(timeout.Token));
        Assert.Equal("", await jobEvents.ReadLineAsync(timeout.Token));
        Assert.Equal("event: job", await jobEvents.ReadLineAsync(timeout.Token));
        var state = JsonDocument.Parse((await jobEvents.ReadLineAsync(timeout.Token))!["data: ".Length..]).RootElement;
        Assert.Equal((id, "Submitted"), (state.GetProperty("id").GetInt64(), state.GetProperty("state").GetString()));

        using var log = await anonymous.GetAsync($"ui/jobs/{id}/log/live?start=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var logEvents = new StreamReader(await log.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("id: 0", await logEvents.ReadLineAsync(timeout.Token));
        Assert.Contains("\"first\"", await logEvents.ReadLineAsync(timeout.Token), StringComparison.Ordinal);
        Assert.Equal("", await logEvents.ReadLineAsync(timeout.Token));
        // A line stored later is pushed as it comes.
        await _master.Services.GetRequiredService<JobLogStore>().AppendAsync(id, [LogRecord.Text(DateTimeOffset.UtcNow, "info", "second")]);
        Assert.Equal("id: 1", await logEvents.ReadLineAsync(timeout.Token));
        Assert.Contains("\"second\"", await logEvents.ReadLineAsync(timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_stream_of_a_list_must_start_with_the_state_of_the_shown_jobs_the_viewer_may_see()
    {
        using var admin = _master.Client();
        var secret = await SubmitAsync(admin, "personal");
        var open = await SubmitAsync(admin, "public");
        using var anonymous = _master.Client("");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var jobs = await anonymous.GetAsync($"ui/live/jobs?shown={secret},x,{open}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var events = new StreamReader(await jobs.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal(": live", await events.ReadLineAsync(timeout.Token));
        Assert.Equal("", await events.ReadLineAsync(timeout.Token));
        // The private job is left out, the id that is not one ignored: the first event is the public job's state.
        Assert.Equal("event: job", await events.ReadLineAsync(timeout.Token));
        var state = JsonDocument.Parse((await events.ReadLineAsync(timeout.Token))!["data: ".Length..]).RootElement;
        Assert.Equal((open, "Submitted"), (state.GetProperty("id").GetInt64(), state.GetProperty("state").GetString()));
    }

    private static async Task<long> SubmitAsync(HttpClient client, string visibility)
    {
        using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition = Job.Replace("VISIBILITY", visibility, StringComparison.Ordinal) });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("job_ids")[0].GetInt64();
    }
}
