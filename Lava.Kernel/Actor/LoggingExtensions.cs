using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>Logging from inside actors.</summary>
public static class ActorLogging
{
    /// <summary>A logger whose category is the actor's type, from the system's logger factory.</summary>
    public static ILogger GetLogger(this IActorContext context) =>
        context.System.LoggerFactory.CreateLogger(((ActorCell)context).Props.ActorType);
}
