using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace Lava.Actors.Persistence;

/// <summary>The journal's write adapter: wraps each <see cref="ITaggedEvent"/> in <see cref="Tagged"/> with its tags.</summary>
public sealed class EventTagger : IWriteEventAdapter
{
    /// <inheritdoc />
    public string Manifest(object evt) => string.Empty;

    /// <inheritdoc />
    public object ToJournal(object evt) => evt is ITaggedEvent { Tags.Count: > 0 } tagged
        ? new Tagged(evt, tagged.Tags.ToImmutableHashSet(StringComparer.Ordinal))
        : evt;
}
