using System.Net.WebSockets;
using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>The dialing side: pinned TLS, the handshake, and redialing with capped exponential backoff.</summary>
public sealed partial class RemoteTransport
{
    private sealed record Dialer(Uri Uri, string Fingerprint, byte[] Credential);

    /// <summary>
    /// Opens the connection to the node listening on <paramref name="host"/>:<paramref name="port"/>,
    /// trusting only a certificate whose SHA-256 fingerprint is <paramref name="certificateSha256"/> (hex,
    /// separators ignored; no CA is consulted), and presents <paramref name="credential"/> to its admission
    /// policy. Returns the peer's incarnation once admitted; throws <see cref="RemoteAdmissionRefusedException"/>
    /// when refused and <see cref="RemoteConnectionException"/> when the connection or TLS fails. After
    /// that, a lost connection is redialed until the transport stops or the peer refuses; a peer that
    /// comes back as a new incarnation removes the old one. Call once per peer.
    /// </summary>
    public async Task<UniqueAddress> ConnectAsync(string host, int port, string certificateSha256, ReadOnlyMemory<byte> credential = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(port, 0);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateSha256);
        var uriHost = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
        var dialer = new Dialer(new Uri($"wss://{uriHost}:{port}{Handshake.Path}"), RemoteCertificates.NormalizeFingerprint(certificateSha256), credential.ToArray());
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Stopping);
        var (socket, node, roles) = await DialAsync(dialer, linked.Token).ConfigureAwait(false);
        var association = Associate(node, roles, out var reattached);
        _ = MaintainAsync(dialer, association, socket, reattached);
        return node;
    }

    private async Task MaintainAsync(Dialer dialer, Association association, WebSocket socket, bool reattached)
    {
        while (true)
        {
            await RunConnectionAsync(association, socket, reattached).ConfigureAwait(false);
            if (association.Refusal is not null) return;
            var backoff = Settings.ReconnectMinBackoff;
            while (true)
            {
                if (Stopping.IsCancellationRequested) return;
                var delay = backoff + TimeSpan.FromTicks((long)(backoff.Ticks * 0.2 * Random.Shared.NextDouble()));
                try
                {
                    await Task.Delay(delay, System.TimeProvider, Stopping).ConfigureAwait(false);
                    (socket, var node, var roles) = await DialAsync(dialer, Stopping).ConfigureAwait(false);
                    association = Associate(node, roles, out reattached);
                    break;
                }
                catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (RemoteAdmissionRefusedException e)
                {
                    RemoteLog.ReadmissionRefused(Log, association.Node, e.Reason);
                    System.EventStream.Publish(new RemoteConnectionRefused(association.Node, e.Reason));
                    RemoveAssociation(association, $"it refused to readmit this node: {e.Reason}");
                    return;
                }
                catch (Exception e)
                {
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Settings.ReconnectMaxBackoff.Ticks));
                    RemoteLog.RedialFailed(Log, dialer.Uri.ToString(), backoff, e.Message);
                }
            }
        }
    }

    private async Task<(WebSocket Socket, UniqueAddress Node, string[] Roles)> DialAsync(Dialer dialer, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && RemoteCertificates.Sha256Fingerprint(certificate) == dialer.Fingerprint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.HandshakeTimeout);
        try
        {
            await socket.ConnectAsync(dialer.Uri, timeout.Token).ConfigureAwait(false);
            var request = new HandshakeRequest(Handshake.Version, Address.ToString(), UniqueAddress.Uid, System.Name, [.. Settings.Roles], dialer.Credential);
            await Handshake.SendAsync(socket, FrameKind.Handshake, request, timeout.Token).ConfigureAwait(false);
            switch (await Handshake.ReceiveAsync(socket, timeout.Token).ConfigureAwait(false))
            {
                case (FrameKind.HandshakeAccepted, var body):
                    var accepted = Handshake.Read<HandshakeAccepted>(body);
                    var node = new UniqueAddress(Kernel.Address.Parse(accepted.Address), accepted.Uid);
                    if (IsRemoved(node)) throw new RemoteAdmissionRefusedException($"{node} was removed from this node");
                    return (socket, node, accepted.Roles);
                case (FrameKind.HandshakeRefused, var body):
                    throw new RemoteAdmissionRefusedException(Handshake.Read<HandshakeRefused>(body).Reason);
                case null:
                    throw new RemoteConnectionException($"{dialer.Uri} closed the connection during the handshake: {socket.CloseStatusDescription}");
                default:
                    throw new RemoteConnectionException($"{dialer.Uri} answered the handshake with an unexpected frame");
            }
        }
        catch (Exception e) when (e is not RemoteAdmissionRefusedException and not RemoteConnectionException
            && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw new RemoteConnectionException($"cannot connect to {dialer.Uri}: {e.GetBaseException().Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
