using System.Net;
using System.Net.Sockets;

namespace Lava.Host.Master.Tests;

/// <summary>
/// A loopback TCP forwarder to a server, which a test can shut to make the server unreachable (every connection cut,
/// new ones closed at once, as a dead server looks to a client) and open again.
/// </summary>
internal sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Task _accepting;
    private bool _shut;

    public TcpGate(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cuts every forwarded connection and closes new ones as soon as they are accepted.</summary>
    public void Shut()
    {
        lock (_connections)
        {
            _shut = true;
            _connections.ForEach(c => c.Dispose());
            _connections.Clear();
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Open()
    {
        lock (_connections)
        {
            _shut = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Shut();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (IsShut())
            {
                client.Dispose();
                continue;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_connections)
            {
                if (_shut)
                {
                    client.Dispose();
                    server.Dispose();
                    continue;
                }

                _connections.Add(client);
                _connections.Add(server);
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private bool IsShut()
    {
        lock (_connections)
        {
            return _shut;
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The other side or Shut() closed the connection: closing both ends below is all there is to do.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
