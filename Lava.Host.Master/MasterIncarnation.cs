namespace Lava.Host.Master;

/// <summary>What Program needs to know once the web application of one actor-system incarnation has stopped.</summary>
internal sealed class MasterIncarnation
{
    /// <summary>Why the actor system ended on its own (then Program starts a new incarnation); null when the process was asked to stop.</summary>
    public string? EndedOnItsOwn { get; set; }
}
