using Lava.Kernel.Configuration;
using Lava.Kernel.Tests.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Remote;

public sealed class RemoteSettingsSpec
{
    [Fact]
    public void Remote_settings_defaults_must_match_the_reference_configuration()
    {
        var settings = RemoteSettings.Create(ConfigFactory.Reference().Resolve());

        Assert.Equal(new RemoteSettings() with { Roles = settings.Roles }, settings);
        Assert.Empty(settings.Roles);
    }

    [Fact]
    public void Remote_settings_must_read_overrides()
    {
        var settings = RemoteSettings.Create(ConfigFactory.ParseString("""
            akka.remote { hostname = "10.0.0.5", port = 4053, chunk-size = 32 KiB, maximum-frame-size = 1 MiB
                          reconnect { min-backoff = 200ms, max-backoff = 2s, give-up-after = off } }
            akka.cluster.roles = [worker]
            """));

        Assert.Equal("10.0.0.5", settings.Hostname);
        Assert.Equal(4053, settings.Port);
        Assert.Equal(32 * 1024, settings.ChunkSize);
        Assert.Equal(1024 * 1024, settings.MaximumFrameSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.ReconnectMinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.ReconnectMaxBackoff);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.GiveUpAfter);
        Assert.Equal(["worker"], settings.Roles.ToArray());
    }

    [Fact]
    public void Remote_settings_must_refuse_a_chunk_larger_than_a_frame() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RemoteSettings.Create(ConfigFactory.ParseString("akka.remote { chunk-size = 2 MiB, maximum-frame-size = 1 MiB }")));

    [Fact]
    public void Certificates_must_round_trip_through_pem_and_pfx_with_the_same_fingerprint()
    {
        using var directory = new TempDirectory();
        var certificate = RemoteCertificates.CreateSelfSigned("master.lab");
        var pem = Path.Combine(directory.Path, "cluster.pem");
        var pfx = Path.Combine(directory.Path, "cluster.pfx");

        RemoteCertificates.SavePem(certificate, pem);
        RemoteCertificates.SavePfx(certificate, pfx, "secret");
        var fromPem = RemoteCertificates.Load(pem);
        var fromPfx = RemoteCertificates.Load(pfx, "secret");

        var fingerprint = RemoteCertificates.Sha256Fingerprint(certificate);
        Assert.Equal(64, fingerprint.Length);
        Assert.Equal(fingerprint, RemoteCertificates.Sha256Fingerprint(fromPem));
        Assert.Equal(fingerprint, RemoteCertificates.Sha256Fingerprint(fromPfx));
        Assert.True(fromPem.HasPrivateKey);
        Assert.True(fromPfx.HasPrivateKey);
        Assert.Equal(fingerprint, RemoteCertificates.NormalizeFingerprint(string.Join(":", fingerprint.Chunk(2).Select(c => new string(c).ToLowerInvariant()))));
    }
}
