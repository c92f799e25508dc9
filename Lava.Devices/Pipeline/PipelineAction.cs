using System.Globalization;
using Lava.Devices.Consoles;

namespace Lava.Devices.Pipeline;

/// <summary>
/// One action of a job's pipeline, as LAVA's <c>Action</c>: a kebab-case <see cref="Name"/> as in LAVA's logs
/// (<c>tftp-deploy</c>, <c>auto-login-action</c>), an optional internal pipeline of <see cref="Children"/> (numbered
/// <c>1.2.3</c> in the log), and the error its deadline raises. <see cref="ActionRunner"/> runs it: timeout by LAVA's
/// precedence, start/end lines, a <c>lava</c> suite case. Failures are <see cref="LavaError"/>s.
/// </summary>
public abstract class PipelineAction
{
    protected PipelineAction(string name, IReadOnlyList<PipelineAction>? children = null)
    {
        Name = name;
        Children = children ?? [];
    }

    /// <summary>The name in logs, results and <c>timeouts.actions</c>.</summary>
    public string Name { get; }

    /// <summary>The internal pipeline, run in order by the default <see cref="RunAsync"/>.</summary>
    public IReadOnlyList<PipelineAction> Children { get; }

    /// <summary>What an expired deadline raises (LAVA's <c>timeout_exception</c>).</summary>
    public virtual TimeoutErrorKind TimeoutError => TimeoutErrorKind.Job;

    /// <summary>Every problem found before anything runs (LAVA validates the whole pipeline first).</summary>
    public virtual IEnumerable<string> Validate(PipelineContext context) => Children.SelectMany(c => c.Validate(context));

    /// <summary>Does the action's work; <paramref name="deadline"/> fires at the earlier of its and its parent's deadline, or on cancel.</summary>
    public virtual Task RunAsync(ActionScope scope, CancellationToken deadline) => scope.RunChildrenAsync(deadline);
}

/// <summary>One running action: its context, level, job action block, the details it records, and helpers.</summary>
public sealed class ActionScope(PipelineContext context, PipelineAction action, string level, OrderedDictionary<object, object?> block)
{
    public PipelineContext Context { get; } = context;

    public PipelineAction Action { get; } = action;

    /// <summary>The dotted position, e.g. <c>1.3.2</c>.</summary>
    public string Level { get; } = level;

    /// <summary>The job's action block this action belongs to (its parameters).</summary>
    public OrderedDictionary<object, object?> Block { get; } = block;

    /// <summary>Details for the action's <c>lava</c> case (LAVA's <c>extra</c>).</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs the action's children in order, each as <c>LEVEL.N</c>.</summary>
    public async Task RunChildrenAsync(CancellationToken deadline)
    {
        for (var i = 0; i < Action.Children.Count; i++)
        {
            await ActionRunner.RunAsync(Context, Action.Children[i], $"{Level}.{(i + 1).ToString(CultureInfo.InvariantCulture)}", Block, deadline).ConfigureAwait(false);
        }
    }

    /// <summary>The console; a JobError as LAVA's when no action connected it.</summary>
    public ConsoleExpect Console => Context.Console ?? throw new JobError($"{Action.Name} started without a connection already in use");

    /// <summary>
    /// Waits for one of <paramref name="patterns"/>, for at most <paramref name="connectionTimeout"/> (the rest of the
    /// action's time when null); a connection timeout raises the action's timeout error.
    /// </summary>
    public async Task<ExpectMatch> ExpectAsync(IReadOnlyList<string> patterns, CancellationToken deadline, TimeSpan? connectionTimeout = null)
    {
        try
        {
            return await Console.ExpectAsync(patterns, connectionTimeout ?? Timeout.InfiniteTimeSpan, deadline).ConfigureAwait(false);
        }
        catch (ConsoleTimeoutException e)
        {
            Context.Debug(e.Message);
            throw ActionRunner.TimedOut(Action, e.Elapsed);
        }
    }

    /// <summary>Types <paramref name="line"/> and a line ending, with the device's character delay for <paramref name="stage"/> (<c>boot</c> or <c>test</c>).</summary>
    public Task SendLineAsync(string line, CancellationToken deadline, string stage = "boot") =>
        Console.SendLineAsync(line, Context.Device.CharacterDelay(stage), deadline);
}
