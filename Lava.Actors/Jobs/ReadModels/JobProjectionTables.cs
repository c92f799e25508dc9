using System.Data.Common;
using System.Text.Json;
using Akka.Persistence.Query;
using Dapper;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// Writes job events into <c>jobs</c>, <c>job_viewing_groups</c> and the state of <c>devices</c>, each batch with the
/// projection's offset in one transaction, so a batch is applied entirely or not at all and a restart resumes after
/// the last one. Applying an event twice changes nothing: updates are guarded by the state they leave.
/// </summary>
internal static class JobProjectionTables
{
    public static async Task<long> ReadOffsetAsync(LabDatabase database, string projection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT last_ordering FROM projection_offsets WHERE name = @projection", new { projection }, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
    }

    /// <summary>Applies <paramref name="batch"/> (in journal order) and stores its last offset; returns that offset.</summary>
    public static async Task<long> ApplyAsync(LabDatabase database, string projection, IReadOnlyList<EventEnvelope> batch, CancellationToken cancellationToken)
    {
        var last = batch.Max(e => ((Sequence)e.Offset).Value);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var envelope in batch)
        {
            if (envelope.Event is JobEvent e)
            {
                await ApplyAsync(connection, transaction, e, cancellationToken).ConfigureAwait(false);
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO projection_offsets (name, last_ordering) VALUES (@projection, @last) " +
            "ON CONFLICT (name) DO UPDATE SET last_ordering = excluded.last_ordering",
            new { projection, last },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return last;
    }

    /// <summary>Empties the projected tables and forgets the offset of <paramref name="projection"/>; results and devices stay.</summary>
    public static async Task ResetAsync(LabDatabase database, string projection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in new[] { "DELETE FROM job_viewing_groups", "DELETE FROM jobs", "DELETE FROM projection_offsets WHERE name = @projection" })
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { projection }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, JobEvent e, CancellationToken cancellationToken)
    {
        foreach (var (sql, parameters) in Statements(e))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static IEnumerable<(string Sql, object Parameters)> Statements(JobEvent e)
    {
        const int scheduled = (int)JobState.Scheduled, running = (int)JobState.Running, canceling = (int)JobState.Canceling, finished = (int)JobState.Finished;
        switch (e)
        {
            case JobSubmitted submitted:
                var spec = submitted.Spec;
                yield return (
                    "INSERT INTO jobs (id, display_id, submitter, description, device_type, requested_device, device, worker, state, health, " +
                    "priority, health_check, tags, visibility, submit_time, start_time, end_time, group_id, error_type, failure_comment, spec) " +
                    "VALUES (@id, @displayId, @submitter, @description, @deviceType, @requestedDevice, NULL, NULL, @state, @health, " +
                    "@priority, @healthCheck, @tags, @visibility, @submitTime, NULL, NULL, @groupId, '', '', @spec) ON CONFLICT (id) DO NOTHING",
                    new
                    {
                        id = submitted.JobId,
                        displayId = spec.DisplayId,
                        submitter = spec.Submitter,
                        description = spec.Description,
                        deviceType = spec.DeviceType,
                        requestedDevice = spec.RequestedDevice,
                        state = (int)JobState.Submitted,
                        health = (int)JobHealth.Unknown,
                        priority = spec.Priority,
                        healthCheck = spec.HealthCheck,
                        tags = JsonSerializer.Serialize(spec.Tags, LavaJsonSerializer.Options),
                        visibility = (int)spec.Visibility.Kind,
                        submitTime = spec.SubmitTime.ToUnixTimeMilliseconds(),
                        groupId = spec.Group?.Id,
                        spec = JsonSerializer.Serialize(spec, LavaJsonSerializer.Options),
                    });
                if (spec.Visibility.Kind == JobVisibilityKind.Group)
                {
                    foreach (var group in spec.Visibility.Groups.Distinct(StringComparer.Ordinal))
                    {
                        yield return ("INSERT INTO job_viewing_groups (job_id, group_name) VALUES (@id, @group) ON CONFLICT DO NOTHING", new { id = submitted.JobId, group });
                    }
                }
                break;
            case JobScheduled s:
                yield return (
                    $"UPDATE jobs SET device = @device, worker = @worker, state = {scheduled} WHERE id = @id AND state < {scheduled}",
                    new { id = s.JobId, device = s.Device, worker = s.Worker });
                yield return (
                    $"UPDATE devices SET state = {(int)DeviceState.Reserved} WHERE hostname = @device " +
                    $"AND EXISTS (SELECT 1 FROM jobs WHERE id = @id AND device = @device AND state = {scheduled})",
                    new { id = s.JobId, device = s.Device });
                break;
            case JobStarted started:
                yield return (
                    $"UPDATE jobs SET state = {running}, start_time = @at WHERE id = @id AND state < {running}",
                    new { id = started.JobId, at = started.At.ToUnixTimeMilliseconds() });
                yield return (
                    $"UPDATE devices SET state = {(int)DeviceState.Running} WHERE hostname IN (SELECT device FROM jobs WHERE id = @id AND state = {running})",
                    new { id = started.JobId });
                break;
            case JobCancelRequested cancel:
                yield return ($"UPDATE jobs SET state = {canceling} WHERE id = @id AND state < {canceling}", new { id = cancel.JobId });
                break;
            case JobFinished f:
                yield return (
                    $"UPDATE jobs SET state = {finished}, health = @health, error_type = @errorType, failure_comment = @comment, end_time = @at " +
                    $"WHERE id = @id AND state <> {finished}",
                    new { id = f.JobId, health = (int)f.Health, errorType = f.ErrorType, comment = f.FailureComment, at = f.At.ToUnixTimeMilliseconds() });
                // The device is free unless another job has been given it meanwhile (a later job's events come later).
                yield return (
                    $"UPDATE devices SET state = {(int)DeviceState.Idle} WHERE hostname IN (SELECT device FROM jobs WHERE id = @id) " +
                    $"AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.device = devices.hostname AND o.id <> @id AND o.state IN ({scheduled}, {running}, {canceling}))",
                    new { id = f.JobId });
                break;
        }
    }
}
