namespace Lava.Kernel;

/// <summary>
/// Sent by a manager that would be oldest to an older manager that is leaving (or down): "stop the singleton
/// and tell me when it no longer runs". Answered with <see cref="HandOverDone"/> once that is true.
/// </summary>
internal sealed record HandOverToMe
{
    public const string Manifest = "lava.singleton.hand-over-to-me.v1";
}

/// <summary>
/// A leaving manager's promise that its singleton has stopped and its lease is released, and that it will not
/// start the singleton again: the younger managers need not wait for its removal.
/// </summary>
internal sealed record HandOverDone(UniqueAddress From)
{
    public const string Manifest = "lava.singleton.hand-over-done.v1";
}
