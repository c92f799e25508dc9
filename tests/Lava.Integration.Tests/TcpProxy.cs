using System.Net;
using System.Net.Sockets;

namespace Lava.Integration.Tests;

/// <summary>
/// A TCP forwarder from 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<c>targetPort</c> that a test controls like a
/// network link: <see cref="Cut"/> closes every connection and stops listening, so new ones are refused as by a host
/// that is gone; <see cref="Resume"/> listens again on the same port.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly List<Socket> _sockets = [];
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();
    private Task _accepting = Task.CompletedTask;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        var listener = Listen(0);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Start(listener);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Connections accepted and forwarded so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Closes every forwarded connection and stops listening.</summary>
    public void Cut()
    {
        _running.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_sockets)
        {
            foreach (var socket in _sockets) socket.Dispose();
            _sockets.Clear();
        }
    }

    /// <summary>Listens again on <see cref="Port"/>.</summary>
    public void Resume()
    {
        _running.Dispose();
        _running = new CancellationTokenSource();
        Start(Listen(Port));
    }

    public async ValueTask DisposeAsync()
    {
        Cut();
        await _accepting;
        _running.Dispose();
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        // The port is taken again right after Cut, while the closed connections linger in TIME_WAIT.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    private void Start(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync(listener, _running.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(cut);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, cut);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken cut)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_sockets)
        {
            if (cut.IsCancellationRequested)
            {
                client.Dispose();
                upstream.Dispose();
                return;
            }

            _sockets.Add(client);
            _sockets.Add(upstream);
            Accepted++;
        }

        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, cut);
            await Task.WhenAny(PumpAsync(client, upstream, cut), PumpAsync(upstream, client, cut));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut, or one side went away: both sides are closed below.
        }
        finally
        {
            lock (_sockets)
            {
                _sockets.Remove(client);
                _sockets.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cut)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cut)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cut);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut, or one side went away.
        }
    }
}
