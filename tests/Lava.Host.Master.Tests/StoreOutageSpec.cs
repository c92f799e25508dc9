using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Lab.Store;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Lava.Host.Master.Tests;

/// <summary>
/// A test that needs the PostgreSQL server named by <c>LAVA_TEST_POSTGRES</c>: skipped when it is unset, except
/// under <c>CI=true</c>, where it runs and fails.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (StoreOutageSpec.Server is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "LAVA_TEST_POSTGRES is not set";
        }
    }
}

/// <summary>A master on PostgreSQL reached through a <see cref="TcpGate"/>, which the test shuts to cut the lab database away.</summary>
public sealed class StoreOutageSpec : IAsyncLifetime
{
    private readonly string _database = $"lava_test_{Guid.NewGuid():N}";
    private TcpGate? _gate;
    private TestMaster? _master;

    internal static string? Server => Environment.GetEnvironmentVariable("LAVA_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public async Task InitializeAsync()
    {
        if (Server is not { } server)
        {
            return;
        }

        await ExecuteAsync(server, $"CREATE DATABASE \"{_database}\"");
        var target = new NpgsqlConnectionStringBuilder(server);
        _gate = new TcpGate(target.Host!, target.Port);
        // Short timeouts: a cut database must fail the request quickly, not after Npgsql's 15 s default.
        var throughGate = new NpgsqlConnectionStringBuilder(server) { Host = "127.0.0.1", Port = _gate.Port, Database = _database, Timeout = 3, CommandTimeout = 5 };
        _master = await TestMaster.StartAsync(o => o with { Database = LabDatabase.PostgreSql(throughGate.ConnectionString) });
    }

    public async Task DisposeAsync()
    {
        _gate?.Open(); // the master stops cleanly only with its database back
        if (_master is not null)
        {
            await _master.DisposeAsync();
        }

        if (_gate is not null)
        {
            await _gate.DisposeAsync();
        }

        if (Server is { } server)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
        }
    }

    [PostgresFact]
    public async Task Api_must_answer_503_naming_the_database_while_it_is_unreachable_and_serve_again_when_it_is_back()
    {
        using var admin = _master!.Client();
        (await admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1" })).EnsureSuccessStatusCode();

        _gate!.Shut();
        NpgsqlConnection.ClearAllPools(); // idle pooled connections would otherwise fail first with a less telling error
        using var list = await admin.GetAsync("api/v0.2/workers/");
        using var create = await admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w2" });

        foreach (var response in new[] { list, create })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage!.RequestUri}: HTTP {(int)response.StatusCode} {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
            Assert.Contains("lab database", detail, StringComparison.Ordinal);
            Assert.Contains(_database, detail, StringComparison.Ordinal);
        }

        _gate.Open();
        var workers = await admin.GetFromJsonAsync<JsonElement>("api/v0.2/workers/");
        Assert.Equal(["w1"], workers.GetProperty("results").EnumerateArray().Select(w => w.GetProperty("hostname").GetString()));
    }

    [PostgresFact]
    public async Task Submissions_during_a_20_s_outage_must_be_accepted_or_refused_clearly_in_time_and_every_accepted_job_survive()
    {
        await _master!.AddWaitingQemuDeviceAsync();
        using var admin = _master.Client();
        var requestTimeout = _master.Services.GetRequiredService<MasterOptions>().RequestTimeout;
        // A request that outlives the master's own timeout by this much counts as hanging.
        using var submitter = _master.Client();
        submitter.Timeout = requestTimeout + TimeSpan.FromSeconds(10);

        var accepted = new List<long>();
        var refused = 0;
        async Task SubmitAsync()
        {
            using var response = await submitter.PostAsJsonAsync("api/v0.2/jobs/", new { definition = OutageJob });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                accepted.AddRange(JsonDocument.Parse(body).RootElement.GetProperty("job_ids").EnumerateArray().Select(i => i.GetInt64()));
                return;
            }
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"HTTP {(int)response.StatusCode} {body}");
            Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()));
            refused++;
        }

        for (var i = 0; i < 5; i++) await SubmitAsync();
        _gate!.Shut();
        NpgsqlConnection.ClearAllPools();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        while (outage.Elapsed < TimeSpan.FromSeconds(20)) await SubmitAsync();
        _gate.Open();

        // The master carries on by itself: a submission is accepted again once the journal's breaker closes.
        var before = accepted.Count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (accepted.Count == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "no submission was accepted within 90 s of the database coming back");
            await SubmitAsync();
        }

        Assert.True(refused > 0, "the outage refused no submission: the gate did not cut the database");
        foreach (var id in accepted)
        {
            using var response = await admin.GetAsync($"api/v0.2/jobs/{id}/");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"accepted job {id}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private const string OutageJob = """
        device_type: qemu
        job_name: outage
        visibility: public
        timeouts:
          job:
            minutes: 10
        actions:
        - boot:
            method: qemu
            media: tmpfs
        """;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
