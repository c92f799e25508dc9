using Lava.Actors.Jobs.Definition;
using Lava.Devices.Pipeline.Boot;
using Lava.Devices.Pipeline.Deploy;

namespace Lava.Devices.Pipeline;

/// <summary>
/// Builds the top-level pipeline action for one job action; adds what it finds wrong with the block to
/// <paramref name="errors"/> (reported all together before anything runs).
/// </summary>
public delegate PipelineAction ActionFactory(JobAction action, DeviceConfiguration device, List<string> errors);

/// <summary>
/// The table of actions a runner knows, by action type (<c>deploy</c>, <c>boot</c>, <c>test</c>, <c>command</c>) and
/// strategy (deploy's <c>to</c>, boot's <c>method</c>; <see cref="AnyStrategy"/> for types without one, or as a
/// fallback). <see cref="CreateDefault"/> has the built-in ones; others are added with
/// <see cref="Register"/>. An action with no entry is a <see cref="JobError"/> naming it.
/// </summary>
public sealed class ActionRegistry
{
    /// <summary>The strategy key of an entry that takes any strategy of its type.</summary>
    public const string AnyStrategy = "*";

    private readonly Dictionary<(string Type, string Strategy), ActionFactory> _factories = [];

    /// <summary>A table with deploy (tmpfs, tftp, nfs, download(s), flasher), boot (u-boot, minimal, qemu), test and command.</summary>
    public static ActionRegistry CreateDefault()
    {
        var registry = new ActionRegistry();
        foreach (var to in DeployStrategies.Targets)
        {
            registry.Register("deploy", to, DeployStrategies.Downloads);
        }
        registry.Register("boot", "u-boot", BootStrategies.UBoot);
        registry.Register("boot", "minimal", BootStrategies.Minimal);
        registry.Register("boot", "qemu", BootStrategies.Qemu);
        registry.Register("test", AnyStrategy, Test.TestStrategies.Test);
        registry.Register("command", AnyStrategy, CommandAction.Create);
        return registry;
    }

    /// <summary>Adds (or replaces) the factory for <paramref name="type"/> and <paramref name="strategy"/>; returns this table.</summary>
    public ActionRegistry Register(string type, string strategy, ActionFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories[(type, strategy)] = factory;
        return this;
    }

    /// <summary>Whether the table builds <paramref name="type"/> actions with <paramref name="strategy"/> (or with any strategy).</summary>
    public bool Has(string type, string strategy) =>
        _factories.ContainsKey((type, strategy)) || _factories.ContainsKey((type, AnyStrategy));

    /// <summary>The strategy of a job action: deploy's <c>to</c>, boot's <c>method</c>, else none.</summary>
    public static string? StrategyOf(JobAction action) => action.Type switch
    {
        "deploy" => action.Block.GetValueOrDefault("to") as string,
        "boot" => action.Block.GetValueOrDefault("method") as string,
        _ => null,
    };

    /// <summary>Builds the action; throws <see cref="JobError"/> when the table has nothing for it.</summary>
    public PipelineAction Build(JobAction action, DeviceConfiguration device, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(action);
        var strategy = StrategyOf(action);
        if ((strategy is not null && _factories.TryGetValue((action.Type, strategy), out var factory))
            || _factories.TryGetValue((action.Type, AnyStrategy), out factory))
        {
            return factory(action, device, errors);
        }
        throw new JobError(action.Type switch
        {
            "deploy" => $"Unknown deploy method: to '{strategy}' is not supported",
            "boot" => $"Unknown boot method '{strategy}'",
            _ => $"Unknown action type '{action.Type}'",
        });
    }
}
