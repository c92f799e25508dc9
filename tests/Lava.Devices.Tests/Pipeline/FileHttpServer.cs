using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lava.Devices.Tests.Pipeline;

/// <summary>A tiny HTTP/1.1 server on 127.0.0.1 (port 0) serving fixed files by path; 404 for the rest.</summary>
internal sealed class FileHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, byte[]> _files;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;

    public FileHttpServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path}";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped under the pending accept
        }
        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var request = await reader.ReadLineAsync(_stopping.Token) ?? "";
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stopping.Token)))
            {
                // headers: not needed
            }
            var path = request.Split(' ') is [_, var target, ..] ? target.TrimStart('/') : "";
            var found = _files.TryGetValue(path, out var body);
            body ??= "not found"u8.ToArray();
            var head = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stopping.Token);
            await stream.WriteAsync(body, _stopping.Token);
        }
    }
}
