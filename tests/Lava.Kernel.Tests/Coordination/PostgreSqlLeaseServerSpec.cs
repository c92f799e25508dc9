using Lava.Kernel.Configuration;
using Lava.Kernel.TestKit;
using Lava.Kernel.Tests.Persistence;
using Xunit;

namespace Lava.Kernel.Tests.Coordination;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgreSqlLeaseServerSpec(PostgresSchemaFixture schema) : IClassFixture<PostgresSchemaFixture>
{
    [PostgresFact(NeedsServerControl = true)]
    public async Task PostgreSqlLease_must_report_lost_while_the_server_is_down_and_acquire_again_after_it_is_back()
    {
        var server = PostgresTestEnvironment.RequireServerControl();
        var timing = TestKitSettings.From(Config.Empty);
        var settings = LeaseTestSettings.For(server.ConnectionString, schema.SchemaName);
        await using var lease = new PostgreSqlLease($"lease-{Guid.NewGuid():N}", "a", settings);
        var lost = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await lease.AcquireAsync(e => lost.TrySetResult(e)));

        await server.StopAsync();
        try
        {
            var reason = await lost.Task.WaitAsync(timing.Dilated(TimeSpan.FromSeconds(30)));
            Assert.False(lease.CheckLease());
            Assert.NotNull(Assert.IsType<LeaseLostException>(reason).InnerException);
        }
        finally
        {
            await server.StartAsync();
        }

        // The row is still its own (or expired unclaimed): it takes it again.
        Assert.True(await lease.AcquireAsync(_ => { }));
        Assert.True(lease.CheckLease());
        Assert.True(await lease.ReleaseAsync());
    }
}
