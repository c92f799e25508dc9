using System.Collections.Immutable;

namespace Lava.Actors.Jobs.Logs;

/// <summary>
/// One job log record as LAVA writes it (spec §6.1): UTC time, level (debug, info, warning, error, exception,
/// input, target, feedback, results, event), a message that is a text or a map, and the optional namespace.
/// <see cref="LogLine.Format"/> turns it into its line; <see cref="LogLine.Parse"/> reads one back.
/// </summary>
public sealed record LogRecord(DateTimeOffset Dt, string Level, LogValue Msg, string? Namespace = null)
{
    /// <summary>A record whose message is a plain text.</summary>
    public static LogRecord Text(DateTimeOffset dt, string level, string msg, string? ns = null) =>
        new(dt, level, new LogText(msg), ns);
}

/// <summary>A message value: <see cref="LogText"/>, <see cref="LogInteger"/>, <see cref="LogFloat"/> or <see cref="LogMap"/>.</summary>
public abstract record LogValue;

/// <summary>A string scalar.</summary>
public sealed record LogText(string Value) : LogValue;

/// <summary>An integer scalar (PyYAML writes it as <c>!!int "5"</c> under LAVA's all-quoted style).</summary>
public sealed record LogInteger(long Value) : LogValue;

/// <summary>A float scalar (written as <c>!!float "1.5"</c>).</summary>
public sealed record LogFloat(double Value) : LogValue;

/// <summary>A string-keyed map kept in the order given (a results record, spec §6.5).</summary>
public sealed record LogMap(ImmutableArray<KeyValuePair<string, LogValue>> Entries) : LogValue
{
    /// <summary>A map of the given entries, in that order.</summary>
    public static LogMap Of(params (string Key, LogValue Value)[] entries) =>
        new([.. entries.Select(e => KeyValuePair.Create(e.Key, e.Value))]);

    // ImmutableArray compares by reference; round-trips need equality by content.
    public bool Equals(LogMap? other) => other is not null && Entries.SequenceEqual(other.Entries);

    public override int GetHashCode() => Entries.Length;
}
