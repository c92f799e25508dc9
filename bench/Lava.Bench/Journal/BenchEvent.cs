namespace Lava.Bench.Journal;

/// <summary>A typical small event: a few identifiers and a short text. <see cref="BenchTagger"/> tags it with its run.</summary>
internal sealed record BenchEvent(string Run, string Source, long Index, string JobId, string Message);
