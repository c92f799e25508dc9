using System.Net.Sockets;
using Lava.Actors.Lab.Store;
using Npgsql;
using Xunit;

namespace Lava.Actors.Tests.Lab;

public sealed class LabStoreUnavailableExceptionSpec
{
    [Theory]
    [InlineData("08006", true)] // connection failure
    [InlineData("57P01", true)] // admin shutdown: the backend was terminated
    [InlineData("57P03", true)] // cannot connect now: starting up
    [InlineData("53300", true)] // too many connections
    [InlineData("23505", false)] // unique violation: the request's fault, not the server's reach
    [InlineData("42P01", false)] // undefined table
    public void A_PostgreSQL_error_must_mean_unavailable_only_for_its_reachability_codes(string sqlState, bool unavailable)
    {
        Assert.Equal(unavailable, LabStoreUnavailableException.Means(new PostgresException("m", "FATAL", "FATAL", sqlState)));
    }

    [Fact]
    public void Network_failures_must_mean_unavailable_and_other_exceptions_must_not()
    {
        Assert.True(LabStoreUnavailableException.Means(new NpgsqlException("Failed to connect", new SocketException())));
        Assert.False(LabStoreUnavailableException.Means(new InvalidOperationException("bug")));
        Assert.False(LabStoreUnavailableException.Means(new TimeoutException()));
    }
}
