using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Xunit;

namespace Lava.Actors.Tests.Lab;

/// <summary>Admission and the admin verbs over a real lab store, run on each engine by the subclasses at the end.</summary>
public abstract class WorkerAdmissionSpec(LabTestDatabases databases) : IAsyncLifetime
{
    private readonly FakeCertificateIssuer _issuer = new();
    private LabStore _store = null!;
    private WorkerAdmission _admission = null!;
    private WorkerAdministration _administration = null!;

    public async Task InitializeAsync()
    {
        _store = await LabStore.OpenAsync(await databases.CreateAsync());
        _admission = new WorkerAdmission(_store);
        _administration = new WorkerAdministration(_store, _admission, _issuer);
    }

    public async Task DisposeAsync() => await databases.DisposeAsync();

    [LabFact]
    public async Task Create_must_store_the_upper_case_thumbprint_of_the_issued_certificate_and_return_the_certificate()
    {
        var issued = await AddAsync("w1");

        Assert.Equal(["w1"], _issuer.Issued);
        Assert.Equal(issued.Certificate.Thumbprint, (await _store.FindAsync("w1"))!.CertificateThumbprint);
        Assert.Matches("^[0-9A-F]{64}$", issued.Certificate.Thumbprint);
        Assert.Equal(new Worker("w1", "", WorkerState.Offline, WorkerHealth.Active, true, false, issued.Certificate.Thumbprint, null, 0), issued.Worker);
    }

    [LabFact]
    public async Task Create_of_an_existing_hostname_must_return_null_without_issuing_and_keep_the_first()
    {
        var first = await AddAsync("w1");

        Assert.Null(await _administration.TryCreateAsync("w1", "again", WorkerHealth.Active));
        Assert.Equal(["w1"], _issuer.Issued);
        Assert.Equal(first.Worker, await _store.FindAsync("w1"));
    }

    [LabFact]
    public async Task Create_must_refuse_a_malformed_thumbprint_from_the_issuer_and_store_nothing()
    {
        _issuer.NextThumbprint = "not-a-thumbprint";

        await Assert.ThrowsAsync<InvalidOperationException>(() => _administration.TryCreateAsync("w1", "", WorkerHealth.Active));
        Assert.Null(await _store.FindAsync("w1"));
    }

    [LabFact]
    public async Task Admission_must_admit_an_active_worker_with_its_current_certificate_in_either_case()
    {
        var issued = await AddAsync("w1");

        var decision = await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint);

        Assert.Equal(new AdmissionDecision("w1", true, null, "worker 'w1' admitted"), decision);
        Assert.True((await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint.ToLowerInvariant())).Admitted);
    }

    [LabFact]
    public async Task Admission_must_admit_a_worker_in_maintenance()
    {
        var issued = await AddAsync("w1");
        await _administration.SetHealthAsync("w1", WorkerHealth.Maintenance);

        Assert.True((await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint)).Admitted);
    }

    [LabFact]
    public async Task Admission_must_refuse_an_unknown_hostname()
    {
        AssertRefused(await _admission.AdmitAsync("ghost", LabStoreSpec.Thumbprint('A')), AdmissionRefusal.UnknownWorker, "unknown worker 'ghost'");
    }

    [LabFact]
    public async Task Admission_must_refuse_a_worker_that_was_never_issued_a_certificate()
    {
        await _store.TryAddAsync(LabStoreSpec.NewWorker("w1") with { CertificateThumbprint = "" });

        AssertRefused(await _admission.AdmitAsync("w1", ""), AdmissionRefusal.NoCertificate, "worker 'w1' has no certificate");
        AssertRefused(await _admission.AdmitAsync("w1", LabStoreSpec.Thumbprint('A')), AdmissionRefusal.NoCertificate, "has no certificate");
    }

    [LabFact]
    public async Task Admission_must_refuse_a_certificate_that_is_not_the_workers_own()
    {
        await AddAsync("w1");
        var other = await AddAsync("w2");

        AssertRefused(
            await _admission.AdmitAsync("w1", other.Certificate.Thumbprint),
            AdmissionRefusal.NotCurrentCertificate,
            "worker 'w1' presented a certificate that is not its current one");
    }

    [LabFact]
    public async Task Admission_must_refuse_a_disabled_worker_until_it_is_enabled()
    {
        var issued = await AddAsync("w1");
        await _administration.DisableAsync("w1");

        AssertRefused(await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint), AdmissionRefusal.Disabled, "worker 'w1' is disabled");

        await _administration.EnableAsync("w1");
        Assert.True((await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint)).Admitted);
    }

    [LabFact]
    public async Task Admission_must_refuse_a_retired_worker()
    {
        var issued = await AddAsync("w1", WorkerHealth.Retired);

        AssertRefused(await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint), AdmissionRefusal.Retired, "worker 'w1' is retired");
    }

    [LabFact]
    public async Task Admission_must_refuse_a_revoked_worker_until_a_new_certificate_is_issued_and_then_only_the_new_one()
    {
        var issued = await AddAsync("w1");
        await _administration.RevokeAsync("w1");

        AssertRefused(await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint), AdmissionRefusal.Revoked, "the certificate of worker 'w1' was revoked");

        var renewed = await _administration.IssueCertificateAsync("w1");
        Assert.NotNull(renewed);
        Assert.Equal((false, renewed.Certificate.Thumbprint), (renewed.Worker.Revoked, renewed.Worker.CertificateThumbprint));
        AssertRefused(await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint), AdmissionRefusal.NotCurrentCertificate, "not its current one");
        Assert.True((await _admission.AdmitAsync("w1", renewed.Certificate.Thumbprint)).Admitted);
    }

    [LabFact]
    public async Task Admission_must_check_revoked_then_current_certificate_then_disabled_then_retired()
    {
        var issued = await AddAsync("w1");
        await _administration.SetHealthAsync("w1", WorkerHealth.Retired);
        await _administration.DisableAsync("w1");
        var stranger = LabStoreSpec.Thumbprint('F');

        Assert.Equal(AdmissionRefusal.Disabled, (await _admission.AdmitAsync("w1", issued.Certificate.Thumbprint)).Refusal);
        Assert.Equal(AdmissionRefusal.NotCurrentCertificate, (await _admission.AdmitAsync("w1", stranger)).Refusal);
        await _administration.RevokeAsync("w1");
        Assert.Equal(AdmissionRefusal.Revoked, (await _admission.AdmitAsync("w1", stranger)).Refusal);
        await _administration.EnableAsync("w1");
        await _administration.IssueCertificateAsync("w1");
        await _administration.SetHealthAsync("w1", WorkerHealth.Retired);
        Assert.Equal(AdmissionRefusal.Retired, (await _admission.AdmitAsync("w1", (await _store.FindAsync("w1"))!.CertificateThumbprint)).Refusal);
    }

    [LabFact]
    public async Task Withdrawals_must_publish_revoke_reissue_disable_and_retire_but_not_maintenance_or_enable()
    {
        await AddAsync("w1");
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        using var subscription = _admission.Withdrawals.Subscribe(observer);

        await _administration.SetHealthAsync("w1", WorkerHealth.Maintenance);
        await _administration.RevokeAsync("w1");
        await _administration.IssueCertificateAsync("w1");
        await _administration.DisableAsync("w1");
        await _administration.EnableAsync("w1");
        await _administration.UpdateAsync("w1", "retired board", WorkerHealth.Retired);

        Assert.Equal(
            [AdmissionRefusal.Revoked, AdmissionRefusal.NotCurrentCertificate, AdmissionRefusal.Disabled, AdmissionRefusal.Retired],
            observer.Received.Select(w => w.Reason));
        Assert.All(observer.Received, w => Assert.Equal("w1", w.Hostname));
        Assert.Equal(AdmissionDecision.Describe("w1", AdmissionRefusal.Revoked), observer.Received[0].Message);
    }

    [LabFact]
    public async Task Withdrawals_must_be_published_after_the_change_is_committed()
    {
        var first = await AddAsync("w1");
        var seen = new List<Worker>();
        // Reads the registry from inside the publication: the change must already be visible to other connections.
        var observer = new RecordingObserver<WorkerAccessWithdrawn>(w => seen.Add(_store.FindAsync(w.Hostname).GetAwaiter().GetResult()!));
        using var subscription = _admission.Withdrawals.Subscribe(observer);

        await _administration.RevokeAsync("w1");
        var renewed = await _administration.IssueCertificateAsync("w1");
        await _administration.DisableAsync("w1");

        Assert.Equal(
            [(true, first.Certificate.Thumbprint, true), (false, renewed!.Certificate.Thumbprint, true), (false, renewed.Certificate.Thumbprint, false)],
            seen.Select(w => (w.Revoked, w.CertificateThumbprint, w.Enabled)));
    }

    [LabFact]
    public async Task Withdrawals_must_stop_after_the_subscription_is_disposed_and_survive_a_failing_observer()
    {
        await AddAsync("w1");
        // The failing observer comes first, so that the one after it shows that a failure does not stop the others.
        using var failing = _admission.Withdrawals.Subscribe(new RecordingObserver<WorkerAccessWithdrawn>(_ => throw new InvalidOperationException("observer failure")));
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        var subscription = _admission.Withdrawals.Subscribe(observer);

        await _administration.DisableAsync("w1");
        subscription.Dispose();
        await _administration.RevokeAsync("w1");

        Assert.Equal([AdmissionRefusal.Disabled], observer.Received.Select(w => w.Reason));
    }

    [LabFact]
    public async Task Administration_must_return_null_for_an_unknown_hostname_issue_nothing_and_publish_nothing()
    {
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        using var subscription = _admission.Withdrawals.Subscribe(observer);

        Assert.Null(await _administration.RevokeAsync("ghost"));
        Assert.Null(await _administration.IssueCertificateAsync("ghost"));
        Assert.Null(await _administration.EnableAsync("ghost"));
        Assert.Null(await _administration.DisableAsync("ghost"));
        Assert.Null(await _administration.UpdateAsync("ghost", "x", WorkerHealth.Retired));
        Assert.Empty(observer.Received);
        Assert.Empty(_issuer.Issued);
    }

    private async Task<IssuedWorkerCredentials> AddAsync(string hostname, WorkerHealth health = WorkerHealth.Active)
    {
        var issued = await _administration.TryCreateAsync(hostname, "", health);
        Assert.NotNull(issued);
        return issued;
    }

    private static void AssertRefused(AdmissionDecision decision, AdmissionRefusal expected, string messagePart)
    {
        Assert.False(decision.Admitted, $"expected a refusal ({expected}), got: {decision.Message}");
        Assert.Equal(expected, decision.Refusal);
        Assert.Contains(messagePart, decision.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteWorkerAdmissionSpec() : WorkerAdmissionSpec(new SqliteTestDatabases());

[PostgresSpec]
public sealed class PostgreSqlWorkerAdmissionSpec() : WorkerAdmissionSpec(new PostgresTestDatabases());
