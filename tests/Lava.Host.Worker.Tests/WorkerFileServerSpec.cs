using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Lava.Host.Worker.Tests;

public sealed class WorkerFileServerSpec : IAsyncLifetime
{
    private readonly string _jobs = Directory.CreateTempSubdirectory("lava-files-").FullName;
    private readonly HttpClient _http = new();
    private WorkerFileServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await WorkerFileServer.StartAsync("127.0.0.1", 0, "unused", _jobs, NullLoggerFactory.Instance);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_jobs, recursive: true);
    }

    [Fact]
    public async Task Serves_a_jobs_file_whole_and_by_range()
    {
        var content = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        Directory.CreateDirectory(Path.Combine(_jobs, "7"));
        await File.WriteAllBytesAsync(Path.Combine(_jobs, "7", "overlay.tar.gz"), content);

        Assert.Equal(content, await _http.GetByteArrayAsync(_server.JobUrl(7) + "overlay.tar.gz"));
        using var range = new HttpRequestMessage(HttpMethod.Get, _server.JobUrl(7) + "overlay.tar.gz") { Headers = { Range = new RangeHeaderValue(100, 199) } };
        using var partial = await _http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[100..200], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Lists_nothing_and_serves_nothing_outside_the_jobs()
    {
        Directory.CreateDirectory(Path.Combine(_jobs, "8"));
        await File.WriteAllTextAsync(Path.Combine(_jobs, "8", "kernel"), "k");
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(_jobs)!, Path.GetFileName(_jobs) + ".secret"), "s");

        using var listing = await _http.GetAsync(_server.JobUrl(8));
        Assert.Equal(HttpStatusCode.NotFound, listing.StatusCode);
        using var outside = await _http.GetAsync(new Uri(_server.BaseUrl, "jobs/%2e%2e/" + Path.GetFileName(_jobs) + ".secret"));
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        using var missing = await _http.GetAsync(_server.JobUrl(8) + "nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_wildcard_address_is_announced_by_the_given_host()
    {
        await using var server = await WorkerFileServer.StartAsync("0.0.0.0", 0, "worker1.lab", _jobs, NullLoggerFactory.Instance);
        Assert.Equal("worker1.lab", server.BaseUrl.Host);
        Assert.NotEqual(0, server.BaseUrl.Port);
    }
}
