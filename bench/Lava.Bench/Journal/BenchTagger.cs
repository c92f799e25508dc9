using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace Lava.Bench.Journal;

/// <summary>Tags every <see cref="BenchEvent"/> with its run, as Lava's tagger tags its events, so it can be read by tag.</summary>
internal sealed class BenchTagger : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) =>
        evt is BenchEvent e ? new Tagged(e, ImmutableHashSet.Create(e.Run)) : evt;
}
