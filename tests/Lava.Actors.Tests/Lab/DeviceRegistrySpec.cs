using Dapper;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Xunit;

namespace Lava.Actors.Tests.Lab;

/// <summary>The device registry's contract over a real lab store, run on each engine by the subclasses at the end.</summary>
public abstract class DeviceRegistrySpec(LabTestDatabases databases) : IAsyncLifetime
{
    private LabDatabase _database = null!;
    private LabStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await databases.CreateAsync();
        _store = await LabStore.OpenAsync(_database);
    }

    public async Task DisposeAsync() => await databases.DisposeAsync();

    [LabFact]
    public async Task Device_types_must_round_trip_every_field_and_refuse_a_duplicate_name()
    {
        var qemu = new DeviceType("qemu", "job_name: health\n", 5, HealthDenominator.Jobs, DisableHealthCheck: true);

        Assert.True(await _store.TryAddDeviceTypeAsync(qemu));
        Assert.False(await _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu")));
        Assert.Equal(qemu, await _store.FindDeviceTypeAsync("qemu"));
        Assert.Null(await _store.FindDeviceTypeAsync("QEMU"));
    }

    [LabFact]
    public async Task Concurrent_adds_of_one_device_type_must_let_exactly_one_succeed()
    {
        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu") with { HealthFrequency = i }))));

        Assert.Single(added, a => a);
    }

    [LabFact]
    public async Task Device_types_must_list_ordered_by_name_ordinally()
    {
        foreach (var name in new[] { "qemu", "bbb", "Juno", "b2260" })
        {
            await _store.TryAddDeviceTypeAsync(DeviceType.Default(name));
        }

        Assert.Equal(["Juno", "b2260", "bbb", "qemu"], (await _store.ListDeviceTypesAsync()).Select(t => t.Name));
    }

    [LabFact]
    public async Task Update_device_type_must_change_only_the_given_fields_and_return_null_for_an_unknown_name()
    {
        await _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu") with { HealthCheckJob = "kept" });

        var updated = await _store.UpdateDeviceTypeAsync("qemu", new DeviceTypeChange(HealthFrequency: 10, HealthDenominator: HealthDenominator.Jobs));

        Assert.Equal(DeviceType.Default("qemu") with { HealthCheckJob = "kept", HealthFrequency = 10, HealthDenominator = HealthDenominator.Jobs }, updated);
        Assert.Equal(updated, await _store.FindDeviceTypeAsync("qemu"));
        Assert.Null(await _store.UpdateDeviceTypeAsync("ghost", new DeviceTypeChange(DisableHealthCheck: true)));
    }

    [LabFact]
    public async Task A_denominator_outside_LAVAs_values_or_a_negative_frequency_must_be_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu") with { HealthDenominator = (HealthDenominator)2 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu") with { HealthFrequency = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.UpdateDeviceTypeAsync("qemu", new DeviceTypeChange(HealthDenominator: (HealthDenominator)7)));
        Assert.Empty(await _store.ListDeviceTypesAsync());
    }

    [LabFact]
    public async Task Aliases_must_be_added_once_listed_per_type_and_removed()
    {
        await _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        await _store.TryAddDeviceTypeAsync(DeviceType.Default("bbb"));

        Assert.True(await _store.TryAddDeviceTypeAliasAsync("qemu", "kvm"));
        Assert.True(await _store.TryAddDeviceTypeAliasAsync("qemu", "qemu-x86"));
        Assert.False(await _store.TryAddDeviceTypeAliasAsync("bbb", "kvm"));
        Assert.Equal(["kvm", "qemu-x86"], await _store.ListDeviceTypeAliasesAsync("qemu"));
        Assert.Empty(await _store.ListDeviceTypeAliasesAsync("bbb"));

        Assert.True(await _store.RemoveDeviceTypeAliasAsync("kvm"));
        Assert.False(await _store.RemoveDeviceTypeAliasAsync("kvm"));
        Assert.Equal(["qemu-x86"], await _store.ListDeviceTypeAliasesAsync("qemu"));
    }

    [LabFact]
    public async Task An_alias_of_an_unknown_type_must_be_refused_naming_the_type()
    {
        var e = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.TryAddDeviceTypeAliasAsync("ghost", "kvm"));

        Assert.Equal(("device type", "ghost"), (e.Kind, e.Name));
        Assert.Contains("device type 'ghost'", e.Message, StringComparison.Ordinal);
    }

    [LabFact]
    public async Task Devices_must_round_trip_every_field_and_refuse_a_duplicate_hostname()
    {
        await AddTypeAndWorkerAsync();
        var device = new Device("qemu-01", "qemu", "w1", "bench", "{% extends 'qemu.jinja2' %}\n", DeviceState.Running, DeviceHealth.Looping);

        Assert.True(await _store.TryAddDeviceAsync(device));
        Assert.False(await _store.TryAddDeviceAsync(NewDevice("qemu-01") with { Description = "second" }));
        Assert.Equal(device, await _store.FindDeviceAsync("qemu-01"));
        Assert.Null(await _store.FindDeviceAsync("QEMU-01"));
    }

    [LabFact]
    public async Task A_device_without_a_worker_must_round_trip_its_null_worker()
    {
        await AddTypeAndWorkerAsync();

        Assert.True(await _store.TryAddDeviceAsync(NewDevice("qemu-01") with { Worker = null }));
        Assert.Null((await _store.FindDeviceAsync("qemu-01"))!.Worker);
    }

    [LabFact]
    public async Task Concurrent_adds_of_one_device_must_let_exactly_one_succeed()
    {
        await AddTypeAndWorkerAsync();

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.TryAddDeviceAsync(NewDevice("qemu-01") with { Description = $"{i}" }))));

        Assert.Single(added, a => a);
    }

    [LabFact]
    public async Task A_device_of_an_unknown_type_or_worker_must_be_refused_naming_it_and_not_stored()
    {
        await AddTypeAndWorkerAsync();

        var type = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.TryAddDeviceAsync(NewDevice("d1") with { DeviceType = "ghost-type" }));
        var worker = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.TryAddDeviceAsync(NewDevice("d1") with { Worker = "ghost-worker" }));

        Assert.Equal("device type 'ghost-type' does not exist", type.Message);
        Assert.Equal("worker 'ghost-worker' does not exist", worker.Message);
        Assert.Empty(await _store.ListDevicesAsync());
    }

    [LabFact]
    public async Task Devices_must_list_ordered_by_hostname_ordinally()
    {
        await AddTypeAndWorkerAsync();
        foreach (var hostname in new[] { "qemu-10", "bbb-01", "Qemu-02", "qemu-02" })
        {
            await _store.TryAddDeviceAsync(NewDevice(hostname));
        }

        Assert.Equal(["Qemu-02", "bbb-01", "qemu-02", "qemu-10"], (await _store.ListDevicesAsync()).Select(d => d.Hostname));
    }

    [LabFact]
    public async Task Update_device_must_change_only_the_given_fields_and_detach_the_worker_on_request()
    {
        await AddTypeAndWorkerAsync();
        await _store.TryAddDeviceTypeAsync(DeviceType.Default("bbb"));
        await _store.TryAddAsync(LabStoreSpec.NewWorker("w2"));
        await _store.TryAddDeviceAsync(NewDevice("d1") with { Description = "kept" });

        var moved = await _store.UpdateDeviceAsync("d1", new DeviceChange(DeviceType: "bbb", Worker: "w2", Dictionary: "new"));
        var detached = await _store.UpdateDeviceAsync("d1", new DeviceChange(DetachWorker: true));

        Assert.Equal(NewDevice("d1") with { Description = "kept", DeviceType = "bbb", Worker = "w2", Dictionary = "new" }, moved);
        Assert.Equal(moved! with { Worker = null }, detached);
        Assert.Equal(detached, await _store.FindDeviceAsync("d1"));
        Assert.Null(await _store.UpdateDeviceAsync("ghost", new DeviceChange(Description: "x")));
        Assert.Throws<ArgumentException>(() => { _ = _store.UpdateDeviceAsync("d1", new DeviceChange(Worker: "w1", DetachWorker: true)); });
    }

    [LabFact]
    public async Task Update_device_to_an_unknown_type_or_worker_must_be_refused_naming_it_and_change_nothing()
    {
        await AddTypeAndWorkerAsync();
        await _store.TryAddDeviceAsync(NewDevice("d1"));

        var type = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.UpdateDeviceAsync("d1", new DeviceChange(DeviceType: "ghost-type", Description: "lost")));
        var worker = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.UpdateDeviceAsync("d1", new DeviceChange(Worker: "ghost-worker", Description: "lost")));

        Assert.Equal(("device type", "ghost-type"), (type.Kind, type.Name));
        Assert.Equal(("worker", "ghost-worker"), (worker.Kind, worker.Name));
        Assert.Equal(NewDevice("d1"), await _store.FindDeviceAsync("d1"));
    }

    [LabFact]
    public async Task State_and_health_must_be_stored_as_LAVAs_integers()
    {
        await AddTypeAndWorkerAsync();
        await _store.TryAddDeviceAsync(NewDevice("d1"));

        var running = await _store.SetDeviceStateAsync("d1", DeviceState.Running);
        var retired = await _store.SetDeviceHealthAsync("d1", DeviceHealth.Retired);

        Assert.Equal((DeviceState.Running, DeviceHealth.Good), (running!.State, running.Health));
        Assert.Equal((DeviceState.Running, DeviceHealth.Retired), (retired!.State, retired.Health));
        await using var connection = await _database.OpenConnectionAsync();
        Assert.Equal((2L, 5L), await connection.QuerySingleAsync<(long, long)>("SELECT CAST(state AS BIGINT), CAST(health AS BIGINT) FROM devices WHERE hostname = 'd1'"));
        Assert.Null(await _store.SetDeviceStateAsync("ghost", DeviceState.Idle));
        Assert.Null(await _store.SetDeviceHealthAsync("ghost", DeviceHealth.Good));
    }

    [LabFact]
    public async Task A_state_or_health_outside_LAVAs_values_must_be_refused_and_change_nothing()
    {
        await AddTypeAndWorkerAsync();
        await _store.TryAddDeviceAsync(NewDevice("d1"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.SetDeviceStateAsync("d1", (DeviceState)3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.SetDeviceHealthAsync("d1", (DeviceHealth)6));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.TryAddDeviceAsync(NewDevice("d2") with { Health = (DeviceHealth)(-1) }));

        Assert.Equal([NewDevice("d1")], await _store.ListDevicesAsync());
    }

    [LabFact]
    public async Task Tags_must_be_added_once_listed_per_device_and_removed()
    {
        await AddTypeAndWorkerAsync();
        await _store.TryAddDeviceAsync(NewDevice("d1"));
        await _store.TryAddDeviceAsync(NewDevice("d2"));

        Assert.True(await _store.AddDeviceTagAsync("d1", "usb"));
        Assert.True(await _store.AddDeviceTagAsync("d1", "hdmi"));
        Assert.False(await _store.AddDeviceTagAsync("d1", "usb"));
        Assert.True(await _store.AddDeviceTagAsync("d2", "usb"));
        Assert.Equal(["hdmi", "usb"], await _store.ListDeviceTagsAsync("d1"));

        Assert.True(await _store.RemoveDeviceTagAsync("d1", "usb"));
        Assert.False(await _store.RemoveDeviceTagAsync("d1", "usb"));
        Assert.Equal(["hdmi"], await _store.ListDeviceTagsAsync("d1"));
        Assert.Equal(["usb"], await _store.ListDeviceTagsAsync("d2"));
        Assert.Empty(await _store.ListDeviceTagsAsync("ghost"));
    }

    [LabFact]
    public async Task A_tag_on_an_unknown_device_must_be_refused_naming_the_device()
    {
        var e = await Assert.ThrowsAsync<DeviceReferenceException>(() => _store.AddDeviceTagAsync("ghost", "usb"));

        Assert.Equal(("device", "ghost"), (e.Kind, e.Name));
    }

    private static Device NewDevice(string hostname) => new(hostname, "qemu", "w1", "", "", DeviceState.Idle, DeviceHealth.Good);

    private async Task AddTypeAndWorkerAsync()
    {
        await _store.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        await _store.TryAddAsync(LabStoreSpec.NewWorker("w1"));
    }
}

public sealed class SqliteDeviceRegistrySpec() : DeviceRegistrySpec(new SqliteTestDatabases());

[PostgresSpec]
public sealed class PostgreSqlDeviceRegistrySpec() : DeviceRegistrySpec(new PostgresTestDatabases());
