using Akka.Actor;
using Akka.Event;

namespace Lava.Bench;

/// <summary>Akka's log events on stderr: stdout carries only the JSON figures.</summary>
internal sealed class StderrLogger : ReceiveActor
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine(e.ToString()));
    }
}
