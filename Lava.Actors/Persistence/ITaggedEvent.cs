namespace Lava.Actors.Persistence;

/// <summary>
/// An event that read models find by tag: <see cref="EventTagger"/> stores it with <see cref="Tags"/>, which
/// <c>EventsByTag</c> then matches. Implement it explicitly so the tags stay out of the event's JSON.
/// </summary>
public interface ITaggedEvent
{
    /// <summary>The tags to store with the event; a tag names a stream of events, e.g. <c>worker-presence</c>.</summary>
    IReadOnlyCollection<string> Tags { get; }
}
