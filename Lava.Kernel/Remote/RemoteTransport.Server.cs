using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Lava.Kernel.Remote;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Lava.Kernel;

/// <summary>The listening side: Kestrel, HTTPS only, one WebSocket endpoint, admission on every handshake.</summary>
public sealed partial class RemoteTransport
{
    private WebApplication? _server;
    private IAdmissionPolicy _admission = AcceptAllAdmissionPolicy.Instance;

    /// <summary>
    /// Starts remoting on <paramref name="system"/> with a listening port: Kestrel serves TLS with
    /// <paramref name="certificate"/> on <see cref="RemoteSettings.Hostname"/>:<see cref="RemoteSettings.Port"/>
    /// (port 0 picks a free one; <see cref="Address"/> then holds the bound port). Plain TCP or HTTP
    /// clients get no handshake. Every dialing node passes <paramref name="admission"/> (all are admitted
    /// when null) before any message flows. A node that dialed in speaks only for itself: a frame from it whose
    /// sender is an actor of another node (this one included) is dropped and counted in
    /// <see cref="UnauthorizedFrames"/>, so a message passed on with the sender it came with (<c>Forward</c>) does
    /// not cross such a link when its sender lives on a third node.
    /// </summary>
    public static Task<RemoteTransport> StartServerAsync(ActorSystem system, RemoteSettings settings, X509Certificate2 certificate,
        IAdmissionPolicy? admission = null, CancellationToken cancellationToken = default) =>
        StartServerAsync(system, settings, certificate, admission, authorizer: null, cancellationToken);

    /// <summary>
    /// As <see cref="StartServerAsync(ActorSystem, RemoteSettings, X509Certificate2, IAdmissionPolicy?, CancellationToken)"/>,
    /// and every inbound Message, Watch and Unwatch frame passes <paramref name="authorizer"/> (all pass when null).
    /// </summary>
    public static async Task<RemoteTransport> StartServerAsync(ActorSystem system, RemoteSettings settings, X509Certificate2 certificate,
        IAdmissionPolicy? admission, IInboundAuthorizer? authorizer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(certificate);
        settings.Validate();
        var transportReady = new TaskCompletionSource<RemoteTransport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = BuildServer(system, settings, certificate, transportReady.Task);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        RemoteTransport transport;
        try
        {
            var port = BoundPort(app) ?? settings.Port;
            transport = new RemoteTransport(system, settings, new Address(system.Name, settings.Hostname, port))
            {
                _server = app,
                _admission = admission ?? AcceptAllAdmissionPolicy.Instance,
                _authorizer = authorizer,
            };
        }
        catch (Exception e)
        {
            transportReady.SetException(e);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        transportReady.SetResult(transport);
        RemoteLog.Listening(transport.Log, system.Name, transport.Address, transport.UniqueAddress);
        return transport;
    }

    /// <summary>
    /// As <see cref="StartServerAsync(ActorSystem, RemoteSettings, X509Certificate2, IAdmissionPolicy?, CancellationToken)"/>
    /// with the certificate loaded from <see cref="RemoteSettings.CertificatePath"/> (PEM or PFX).
    /// </summary>
    public static Task<RemoteTransport> StartServerAsync(ActorSystem system, RemoteSettings settings, IAdmissionPolicy? admission = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.CertificatePath))
            throw new ArgumentException("akka.remote.certificate-path is empty; a listening node needs a certificate", nameof(settings));
        var certificate = RemoteCertificates.Load(settings.CertificatePath, settings.CertificatePassword.Length == 0 ? null : settings.CertificatePassword);
        return StartServerAsync(system, settings, certificate, admission, cancellationToken);
    }

    private static WebApplication BuildServer(ActorSystem system, RemoteSettings settings, X509Certificate2 certificate, Task<RemoteTransport> transport)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(system.LoggerFactory);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            var ip = IPAddress.TryParse(settings.Hostname, out var parsed) ? parsed : IPAddress.Any;
            options.Listen(ip, settings.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Run(async context =>
        {
            if (context.Request.Path != Handshake.Path || !context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await (await transport.ConfigureAwait(false)).AcceptAsync(context).ConfigureAwait(false);
        });
        return app;
    }

    private static int? BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault();
        return first is null ? null : new Uri(first).Port;
    }

    private async Task AcceptAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false }).ConfigureAwait(false);
        var endPoint = new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.None, context.Connection.RemotePort);
        using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        handshakeTimeout.CancelAfter(Settings.HandshakeTimeout);
        HandshakeRequest request;
        UniqueAddress node;
        try
        {
            if (await Handshake.ReceiveAsync(socket, handshakeTimeout.Token).ConfigureAwait(false) is not (FrameKind.Handshake, var body))
            {
                RemoteLog.HandshakeFailed(Log, endPoint.ToString(), "the first frame was not a handshake");
                return;
            }
            request = Handshake.Read<HandshakeRequest>(body);
            node = new UniqueAddress(Kernel.Address.Parse(request.Address), request.Uid);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidDataException or JsonException or FormatException)
        {
            RemoteLog.HandshakeFailed(Log, endPoint.ToString(), e.Message);
            return;
        }
        var decision = await AdmitAsync(request, node, endPoint, handshakeTimeout.Token).ConfigureAwait(false);
        try
        {
            if (!decision.Accepted)
            {
                RemoteLog.Refused(Log, node, endPoint.ToString(), decision.Reason);
                await Handshake.SendAsync(socket, FrameKind.HandshakeRefused, new HandshakeRefused(decision.Reason), handshakeTimeout.Token).ConfigureAwait(false);
                await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, Handshake.CloseReason(decision.Reason), handshakeTimeout.Token).ConfigureAwait(false);
                return;
            }
            await Handshake.SendAsync(socket, FrameKind.HandshakeAccepted,
                new HandshakeAccepted(Address.ToString(), UniqueAddress.Uid, [.. Settings.Roles]), handshakeTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            RemoteLog.HandshakeFailed(Log, endPoint.ToString(), e.Message);
            return;
        }
        var association = Associate(node, request.Roles, out var reattached);
        await RunConnectionAsync(association, socket, reattached).ConfigureAwait(false);
    }

    private async Task<AdmissionDecision> AdmitAsync(HandshakeRequest request, UniqueAddress node, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        if (request.Version != Handshake.Version) return AdmissionDecision.Refuse($"protocol version {request.Version} is not {Handshake.Version}");
        if (IsRemoved(node)) return AdmissionDecision.Refuse(RemovedRefusal(node));
        try
        {
            return await _admission.AdmitAsync(new AdmissionRequest(node, request.Roles, request.Credential, endPoint), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return AdmissionDecision.Refuse($"admission failed: {e.Message}");
        }
    }

    /// <summary>Runs a handshaken connection until it ends; a lost link starts the give-up timer.</summary>
    private async Task RunConnectionAsync(Association association, WebSocket socket, bool reattached)
    {
        var connection = new Connection(this, association, socket, Stopping);
        association.Attach(connection)?.Abort();
        if (reattached) RewatchAll(association);
        RemoteLog.Connected(Log, association.Node, string.Join(", ", association.Roles));
        System.EventStream.Publish(new RemoteNodeConnected(association.Node, association.Roles));
        await connection.Start().ConfigureAwait(false);
        if (association.Refusal is { } refusal)
        {
            association.Detach(connection);
            RemoveAssociation(association, $"disconnected: {refusal}");
            return;
        }
        if (!association.Detach(connection) || association.IsRemoved || Stopping.IsCancellationRequested) return;
        System.EventStream.Publish(new RemoteNodeDisconnected(association.Node));
        _ = GiveUpLaterAsync(association, association.Generation);
    }

    private async Task GiveUpLaterAsync(Association association, int generation)
    {
        if (Settings.GiveUpAfter == Timeout.InfiniteTimeSpan) return;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Stopping, association.RemovedToken);
        try
        {
            await Task.Delay(Settings.GiveUpAfter, System.TimeProvider, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (association.Generation == generation && association.Current is null)
            RemoveAssociation(association, $"disconnected for {Settings.GiveUpAfter}");
    }

    private async Task StopServerAsync()
    {
        if (_server is null) return;
        using var timeout = new CancellationTokenSource(Settings.ShutdownTimeout);
        try
        {
            await _server.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            RemoteLog.ServerStopTimedOut(Log, Settings.ShutdownTimeout);
        }
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
