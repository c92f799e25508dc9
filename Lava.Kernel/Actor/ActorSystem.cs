using System.Collections.Concurrent;
using System.Text;
using Lava.Kernel.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lava.Kernel;

/// <summary>
/// A hierarchy of actors with its guardians (<c>/user</c> for application actors, <c>/system</c>
/// for the kernel's), dead letters, an event stream and a scheduler. Everything time-related goes
/// through one <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, InternalActorRef> _temp = new();
    private readonly ConcurrentDictionary<Type, object> _extensions = new();
    private long _tempId;

    private ActorSystem(string name, ActorSystemSettings settings, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Name = name;
        Settings = settings;
        TimeProvider = time;
        LoggerFactory = loggerFactory;
        KernelLog = loggerFactory.CreateLogger("Lava.Kernel");
        LocalAddress = new Address(name);
        var rootPath = ActorPath.Root(LocalAddress);
        DeadLettersRef = new DeadLetterActorRef(this, rootPath.Child("deadLetters"));
        Scheduler = new Scheduler(time);
        var bubble = new SystemBubbleRef(this, rootPath.Child("bubble-walker"));
        _root = new ActorCell(this, rootPath, Props.Create(() => new RootGuardian()), bubble);
        UserGuardian = (LocalActorRef)_root.ActorOf(Props.Create(() => new Guardian(settings.GuardianStrategy)), "user");
        SystemGuardian = (LocalActorRef)_root.ActorOf(Props.Create(() => new Guardian(Kernel.SupervisorStrategy.DefaultStrategy)), "system");
        _root.Start();
    }

    /// <summary>Creates a system configured by <paramref name="config"/> (falling back to the kernel's reference.conf).</summary>
    public static ActorSystem Create(string name, Config config, ActorSystemSetup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var resolved = ConfigFactory.Load(config);
        return Create(name, (setup ?? new ActorSystemSetup()) with { Settings = ActorSystemSettings.From(resolved), Config = resolved });
    }

    /// <summary>Creates a system; its name may hold ASCII letters, digits, '-' and '_'.</summary>
    public static ActorSystem Create(string name, ActorSystemSetup? setup = null)
    {
        ValidateSystemName(name);
        setup ??= new ActorSystemSetup();
        return new ActorSystem(name, setup.Settings, setup.TimeProvider ?? TimeProvider.System, setup.LoggerFactory ?? NullLoggerFactory.Instance)
        {
            Config = setup.Config ?? ConfigFactory.Reference().Resolve(),
        };
    }

    public string Name { get; }

    public ActorSystemSettings Settings { get; }

    /// <summary>The resolved configuration the system was made with (the reference configuration when none was given).</summary>
    public Config Config { get; private init; } = Config.Empty;

    /// <summary>The one clock of this system: timers, scheduler and ask timeouts all follow it.</summary>
    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public Scheduler Scheduler { get; }

    public EventStream EventStream { get; } = new();

    public IActorRef DeadLetters => DeadLettersRef;

    /// <summary>How many messages went to dead letters so far.</summary>
    public long DeadLetterCount => DeadLettersRef.Count;

    /// <summary>Completes once every actor has stopped after <see cref="Terminate"/>.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ILogger KernelLog { get; }

    internal DeadLetterActorRef DeadLettersRef { get; }

    internal LocalActorRef UserGuardian { get; }

    internal LocalActorRef SystemGuardian { get; }

    /// <summary>How many Ask replies are still awaited.</summary>
    public int PendingAsks => _temp.Count;

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => UserGuardian.Cell.ActorOf(props, name);

    /// <summary>Creates a kernel actor under <c>/system</c>.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => SystemGuardian.Cell.ActorOf(props, name);

    /// <summary>Stops an actor; the message it is processing completes first.</summary>
    public void Stop(IActorRef actor)
    {
        if (actor is InternalActorRef target) target.Stop();
    }

    /// <summary>Stops all actors (children before parents, <c>/user</c> before <c>/system</c>); returns <see cref="WhenTerminated"/>.</summary>
    public Task Terminate()
    {
        UserGuardian.Stop();
        return WhenTerminated;
    }

    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    /// <summary>Returns the extension of type <typeparamref name="T"/>, creating it once with <paramref name="create"/>.</summary>
    public T GetOrAddExtension<T>(Func<ActorSystem, T> create) where T : class =>
        (T)_extensions.GetOrAdd(typeof(T), static (_, state) => state.create(state.system), (create, system: this));

    /// <summary>Installs an extension, replacing none: a second registration of the same type fails.</summary>
    public T RegisterExtension<T>(T extension) where T : class
    {
        if (!_extensions.TryAdd(typeof(T), extension))
            throw new InvalidOperationException($"the {typeof(T).Name} extension is already registered on {this}");
        return extension;
    }

    /// <summary>The extension of type <typeparamref name="T"/>, or null when none is registered.</summary>
    public T? GetExtension<T>() where T : class => _extensions.TryGetValue(typeof(T), out var e) ? (T)e : null;

    /// <summary>Finds a live local actor by its path without the address (<c>/user/a/b</c>), or null.</summary>
    public IActorRef? Resolve(string path)
    {
        var elements = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (elements is ["temp", var tempName]) return _temp.TryGetValue(tempName, out var temp) ? temp : null;
        var cell = _root;
        foreach (var element in elements)
        {
            if (cell.ChildByName(element) is not { } child) return null;
            cell = child.Cell;
        }
        return cell.IsClosed ? null : cell.SelfRef;
    }

    /// <summary>The live actor tree, one actor per line, for diagnostics.</summary>
    public string PrintTree()
    {
        var sb = new StringBuilder();
        _root.DumpTree(sb, 0);
        return sb.ToString();
    }

    internal void OnRootTerminated() => _terminated.TrySetResult();

    internal ActorPath TempPath()
    {
        var name = "$" + Interlocked.Increment(ref _tempId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _root.SelfRef.Path.Child("temp").Child(name);
    }

    internal void RegisterTemp(string name, InternalActorRef actor) => _temp[name] = actor;

    internal void UnregisterTemp(string name) => _temp.TryRemove(name, out _);

    private static void ValidateSystemName(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || !char.IsAsciiLetterOrDigit(name[0]))
            throw new ArgumentException($"invalid actor system name '{name}': use ASCII letters, digits, '-' and '_', starting with a letter or digit", nameof(name));
    }

    public override string ToString() => Address.ToString();
}

/// <summary>Settings of an <see cref="ActorSystem"/>, with Akka's names and this kernel's defaults.</summary>
public sealed record ActorSystemSettings
{
    /// <summary><c>akka.actor.default-dispatcher.throughput</c>: messages per turn; 100 by default.</summary>
    public int Throughput { get; init; } = 100;

    /// <summary><c>akka.actor.ask-timeout</c>: finite, 10 s by default (Akka's infinite default leaks).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>akka.actor.default-mailbox.stash-capacity</c>: -1 for unbounded.</summary>
    public int StashCapacity { get; init; } = -1;

    /// <summary><c>akka.log-dead-letters</c>: how many dead letters are logged; 10 by default.</summary>
    public int LogDeadLetters { get; init; } = 10;

    /// <summary><c>akka.actor.guardian-supervisor-strategy</c>: the strategy of <c>/user</c>.</summary>
    public SupervisorStrategy GuardianStrategy { get; init; } = SupervisorStrategy.DefaultStrategy;

    /// <summary>Reads the settings from a resolved configuration; a bad value fails naming its key.</summary>
    public static ActorSystemSettings From(Config config)
    {
        var strategy = config.GetString("akka.actor.guardian-supervisor-strategy", "default");
        var settings = new ActorSystemSettings
        {
            Throughput = config.GetInt("akka.actor.default-dispatcher.throughput"),
            AskTimeout = config.GetTimeSpan("akka.actor.ask-timeout"),
            StashCapacity = config.GetInt("akka.actor.default-mailbox.stash-capacity"),
            LogDeadLetters = config.GetInt("akka.log-dead-letters"),
            GuardianStrategy = strategy switch
            {
                "default" => SupervisorStrategy.DefaultStrategy,
                "stopping" => SupervisorStrategy.StoppingStrategy,
                _ => throw new ConfigException($"akka.actor.guardian-supervisor-strategy: '{strategy}' is not 'default' or 'stopping'"),
            },
        };
        if (settings.Throughput < 1) throw new ConfigException($"akka.actor.default-dispatcher.throughput: must be at least 1, not {settings.Throughput}");
        if (settings.AskTimeout <= TimeSpan.Zero || settings.AskTimeout == Timeout.InfiniteTimeSpan)
            throw new ConfigException($"akka.actor.ask-timeout: must be a finite positive duration, not {settings.AskTimeout}");
        return settings;
    }
}

/// <summary>What a system is made with: its settings, its clock and where it logs.</summary>
public sealed record ActorSystemSetup
{
    public ActorSystemSettings Settings { get; init; } = new();

    /// <summary>The clock; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The resolved configuration to expose as <see cref="ActorSystem.Config"/>.</summary>
    public Config? Config { get; init; }
}
