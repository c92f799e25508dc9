using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Persistence.Internal;

/// <summary>
/// Coalesces concurrent journal writes into few transactions: one loop drains a channel and writes everything
/// queued (up to a batch size) at once. When a batch hits a unique violation, its atomic writes are retried
/// one per transaction so that only the conflicting ones fail.
/// </summary>
internal sealed class BatchingJournalWriter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue =
        Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    private readonly IJournalWriteTarget _target;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public BatchingJournalWriter(IJournalWriteTarget target, int maxBatchSize, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _target = target;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="writes"/>; completes with Written/Failed per write, or faults when the store failed.</summary>
    public Task<WriteResult[]> EnqueueAsync(IReadOnlyList<SerializedAtomicWrite> writes)
    {
        // Continuations run elsewhere so that callers never execute on (and stall) the write loop.
        var pending = new PendingWrite(writes, new TaskCompletionSource<WriteResult[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(BatchingJournalWriter), "The journal is disposed.");
        }
        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var events = 0;
            while (events < _maxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                events += pending.Writes.Sum(w => w.Events.Count);
            }
            await FlushAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(List<PendingWrite> batch)
    {
        var writes = batch.SelectMany(p => p.Writes).ToList();
        try
        {
            await _target.InsertAsync(writes, CancellationToken.None).ConfigureAwait(false);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult(Enumerable.Repeat(WriteResult.Written, pending.Writes.Count).ToArray());
            }
        }
        catch (Exception e) when (_target.IsUniqueViolation(e))
        {
            PersistenceLog.BatchConflict(_logger, writes.Count);
            foreach (var pending in batch)
            {
                await WriteOneByOneAsync(pending).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            var error = _target.Translate(e);
            PersistenceLog.BatchFailed(_logger, error, writes.Count);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    private async Task WriteOneByOneAsync(PendingWrite pending)
    {
        var results = new WriteResult[pending.Writes.Count];
        try
        {
            for (var i = 0; i < results.Length; i++)
            {
                var write = pending.Writes[i];
                try
                {
                    await _target.InsertAsync([write], CancellationToken.None).ConfigureAwait(false);
                    results[i] = WriteResult.Written;
                }
                catch (Exception e) when (_target.IsUniqueViolation(e))
                {
                    results[i] = WriteResult.Failed(
                        new JournalConflictException(write.PersistenceId, write.LowestSequenceNr, write.HighestSequenceNr, e));
                }
            }
            pending.Completion.TrySetResult(results);
        }
        catch (Exception e)
        {
            pending.Completion.TrySetException(_target.Translate(e));
        }
    }

    private sealed record PendingWrite(IReadOnlyList<SerializedAtomicWrite> Writes, TaskCompletionSource<WriteResult[]> Completion);
}
