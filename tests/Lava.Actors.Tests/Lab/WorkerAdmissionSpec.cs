using Lava.Actors.Lab;
using Xunit;

namespace Lava.Actors.Tests.Lab;

public sealed class WorkerAdmissionSpec : IAsyncLifetime
{
    private LabStoreFixture _lab = null!;

    public async Task InitializeAsync() => _lab = await LabStoreFixture.CreateAsync();

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task WorkerAdmission_must_admit_an_active_worker_with_its_token()
    {
        var issued = await AddAsync("w1");

        var decision = await _lab.Admission.AdmitAsync("w1", issued.Token);

        Assert.True(decision.Admitted, decision.Message);
        Assert.Null(decision.Refusal);
    }

    [Fact]
    public async Task WorkerAdmission_must_admit_a_worker_in_maintenance()
    {
        var issued = await AddAsync("w1");
        await _lab.Administration.SetHealthAsync("w1", WorkerHealth.Maintenance);

        Assert.True((await _lab.Admission.AdmitAsync("w1", issued.Token)).Admitted);
    }

    [Fact]
    public async Task WorkerAdmission_must_refuse_an_unknown_hostname()
    {
        var decision = await _lab.Admission.AdmitAsync("ghost", ApiTokens.Generate());

        AssertRefused(decision, AdmissionRefusal.UnknownWorker, "unknown worker 'ghost'");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task WorkerAdmission_must_refuse_a_missing_token(string? token)
    {
        await AddAsync("w1");

        AssertRefused(await _lab.Admission.AdmitAsync("w1", token), AdmissionRefusal.MissingToken, "presented no token");
    }

    [Fact]
    public async Task WorkerAdmission_must_refuse_a_wrong_token()
    {
        await AddAsync("w1");
        var other = await AddAsync("w2");

        AssertRefused(await _lab.Admission.AdmitAsync("w1", other.Token), AdmissionRefusal.WrongToken, "wrong token for worker 'w1'");
    }

    [Fact]
    public async Task WorkerAdmission_must_refuse_a_disabled_worker_until_it_is_enabled()
    {
        var issued = await AddAsync("w1");
        await _lab.Administration.DisableAsync("w1");

        AssertRefused(await _lab.Admission.AdmitAsync("w1", issued.Token), AdmissionRefusal.Disabled, "is disabled");

        await _lab.Administration.EnableAsync("w1");
        Assert.True((await _lab.Admission.AdmitAsync("w1", issued.Token)).Admitted);
    }

    [Fact]
    public async Task WorkerAdmission_must_refuse_a_retired_worker()
    {
        var issued = await AddAsync("w1", WorkerHealth.Retired);

        AssertRefused(await _lab.Admission.AdmitAsync("w1", issued.Token), AdmissionRefusal.Retired, "is retired");
    }

    [Fact]
    public async Task WorkerAdmission_must_refuse_a_revoked_worker_until_a_new_token_is_issued()
    {
        var issued = await AddAsync("w1");
        await _lab.Administration.RevokeAsync("w1");

        AssertRefused(await _lab.Admission.AdmitAsync("w1", issued.Token), AdmissionRefusal.Revoked, "was revoked");

        var renewed = await _lab.Administration.IssueTokenAsync("w1");
        Assert.NotNull(renewed);
        AssertRefused(await _lab.Admission.AdmitAsync("w1", issued.Token), AdmissionRefusal.WrongToken, "wrong token");
        Assert.True((await _lab.Admission.AdmitAsync("w1", renewed.Token)).Admitted);
    }

    [Fact]
    public async Task WorkerAdmission_must_not_tell_a_wrong_token_holder_that_the_worker_is_revoked()
    {
        await AddAsync("w1");
        await _lab.Administration.RevokeAsync("w1");

        AssertRefused(await _lab.Admission.AdmitAsync("w1", ApiTokens.Generate()), AdmissionRefusal.WrongToken, "wrong token");
    }

    [Fact]
    public async Task Withdrawals_must_publish_revoke_disable_retire_and_new_token_but_not_maintenance_or_enable()
    {
        await AddAsync("w1");
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        using var subscription = _lab.Admission.Withdrawals.Subscribe(observer);

        await _lab.Administration.SetHealthAsync("w1", WorkerHealth.Maintenance);
        await _lab.Administration.RevokeAsync("w1");
        await _lab.Administration.IssueTokenAsync("w1");
        await _lab.Administration.DisableAsync("w1");
        await _lab.Administration.EnableAsync("w1");
        await _lab.Administration.SetHealthAsync("w1", WorkerHealth.Retired);

        Assert.Equal(
            [AdmissionRefusal.Revoked, AdmissionRefusal.WrongToken, AdmissionRefusal.Disabled, AdmissionRefusal.Retired],
            observer.Received.Select(w => w.Reason));
        Assert.All(observer.Received, w => Assert.Equal("w1", w.Hostname));
    }

    [Fact]
    public async Task Withdrawals_must_stop_after_the_subscription_is_disposed_and_survive_a_failing_observer()
    {
        await AddAsync("w1");
        // The failing observer comes first, so that the one after it shows that a failure does not stop the others.
        using var failing = _lab.Admission.Withdrawals.Subscribe(new FailingObserver());
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        var subscription = _lab.Admission.Withdrawals.Subscribe(observer);

        await _lab.Administration.DisableAsync("w1");
        subscription.Dispose();
        await _lab.Administration.RevokeAsync("w1");

        Assert.Equal([AdmissionRefusal.Disabled], observer.Received.Select(w => w.Reason));
    }

    [Fact]
    public async Task Administration_must_return_null_for_an_unknown_hostname_and_publish_nothing()
    {
        var observer = new RecordingObserver<WorkerAccessWithdrawn>();
        using var subscription = _lab.Admission.Withdrawals.Subscribe(observer);

        Assert.Null(await _lab.Administration.RevokeAsync("ghost"));
        Assert.Null(await _lab.Administration.IssueTokenAsync("ghost"));
        Assert.Null(await _lab.Administration.EnableAsync("ghost"));
        Assert.Empty(observer.Received);
    }

    private async Task<IssuedWorkerToken> AddAsync(string hostname, WorkerHealth health = WorkerHealth.Active)
    {
        var issued = await _lab.Administration.TryCreateAsync(hostname, "", health);
        Assert.NotNull(issued);
        return issued;
    }

    private static void AssertRefused(AdmissionDecision decision, AdmissionRefusal expected, string messagePart)
    {
        Assert.False(decision.Admitted, $"expected a refusal ({expected}), got: {decision.Message}");
        Assert.Equal(expected, decision.Refusal);
        Assert.Contains(messagePart, decision.Message, StringComparison.Ordinal);
    }

    private sealed class FailingObserver : IObserver<WorkerAccessWithdrawn>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(WorkerAccessWithdrawn value) => throw new InvalidOperationException("observer failure");
    }
}
