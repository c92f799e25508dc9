using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Lava.Cli.Api;

/// <summary>A call to the master's REST API failed; <see cref="Exception.Message"/> is what the user should read.</summary>
internal sealed class MasterApiException(string message) : Exception(message);

/// <summary>The master's REST API (/api/v0.2/) as the admin verbs use it, with errors turned into sentences.</summary>
internal sealed class MasterClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly string _url;

    public MasterClient(string url, string token)
    {
        _url = url.TrimEnd('/');
        _http = new HttpClient { BaseAddress = new Uri(_url + "/api/v0.2/"), Timeout = Timeout };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", token);
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) }, cancellationToken);

    public Task<JsonElement> PatchAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(body) }, cancellationToken);

    /// <summary>A DELETE, answered 204 without a body.</summary>
    public Task<string> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), text => text, cancellationToken);

    /// <summary>A GET whose answer is text (a device dictionary, a template), not JSON.</summary>
    public Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), text => text, cancellationToken);

    public void Dispose() => _http.Dispose();

    private Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, text => TryParse(text) ?? throw new MasterApiException($"the master at {_url} answered with something that is not JSON"), cancellationToken);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, Func<string, T> read, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new MasterApiException($"no master at {_url}: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MasterApiException($"no answer from the master at {_url} within {Timeout.TotalSeconds:0} s");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return read(text);
                }

                var body = TryParse(text);

                var detail = body is { ValueKind: JsonValueKind.Object } error && error.TryGetProperty("detail", out var d) ? d.GetString() : null;
                if (detail is not null && body!.Value.TryGetProperty("field", out var field) && field.GetString() is { } name)
                {
                    detail = $"{name}: {detail}";
                }

                detail ??= string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase : text.Trim();
                throw new MasterApiException(response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => $"the token was refused by the master at {_url} ({detail}): pass --token, set LAVA_TOKEN, or use the master's admin.token",
                    HttpStatusCode.Forbidden => $"the master at {_url} refused: {detail} (admin verbs need a superuser's token)",
                    _ => $"{detail} (HTTP {(int)response.StatusCode})",
                });
            }
        }
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
