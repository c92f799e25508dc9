namespace Lava.Kernel;

/// <summary>Implemented by actors that stash; the kernel sets <see cref="Stash"/> before the first message.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}

/// <summary>
/// Messages put aside to be processed later. <see cref="Stash"/> keeps the current message with its
/// sender; unstashed messages go to the front of the mailbox in their original order. On restart and
/// stop the stash is returned to the mailbox (so on stop its messages become dead letters).
/// </summary>
public interface IStash
{
    /// <summary>Puts the current message aside; stashing the same message twice throws.</summary>
    void Stash();

    /// <summary>Returns the oldest stashed message to the front of the mailbox.</summary>
    void Unstash();

    /// <summary>Returns all stashed messages to the front of the mailbox, oldest first.</summary>
    void UnstashAll();

    /// <summary>Returns the stashed messages that match; the others are dropped.</summary>
    void UnstashAll(Func<object, bool> predicate);

    /// <summary>Empties the stash and returns what it held.</summary>
    IReadOnlyList<object> ClearStash();

    int Count { get; }
}

internal sealed partial class ActorCell
{
    private StashBufferImpl? _stash;

    internal IStash StashBuffer => _stash ??= new StashBufferImpl(this, Props.StashCapacity ?? System.Settings.StashCapacity);

    internal sealed class StashBufferImpl(ActorCell cell, int capacity) : IStash
    {
        private readonly List<Envelope> _stashed = [];

        public int Count => _stashed.Count;

        public void Stash()
        {
            var message = cell._currentMessage ?? throw new NotInActorContextException("Stash");
            if (_stashed.Count > 0 && ReferenceEquals(_stashed[^1].Message, message))
                throw new IllegalActorStateException($"can't stash the same message {message} more than once");
            if (capacity >= 0 && _stashed.Count >= capacity)
                throw new StashOverflowException($"stash of {cell.SelfRef} is full ({capacity} messages)");
            _stashed.Add(new Envelope(message, cell._currentSender));
        }

        public void Unstash()
        {
            if (_stashed.Count == 0) return;
            var first = _stashed[0];
            _stashed.RemoveAt(0);
            cell.Prepend([first]);
        }

        public void UnstashAll() => UnstashAll(_ => true);

        public void UnstashAll(Func<object, bool> predicate)
        {
            var kept = _stashed.Where(e => predicate(e.Message)).ToList();
            _stashed.Clear();
            cell.Prepend(kept);
        }

        public IReadOnlyList<object> ClearStash()
        {
            var messages = _stashed.Select(e => e.Message).ToList();
            _stashed.Clear();
            return messages;
        }

        /// <summary>On restart or stop: everything goes back to the mailbox.</summary>
        public void ReturnToMailbox() => UnstashAll();
    }
}
