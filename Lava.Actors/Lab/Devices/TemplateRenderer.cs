using System.Collections;
using System.Text;

namespace Lava.Actors.Lab.Devices;

/// <summary>
/// Renders one template chain the way jinja2 does: the child's top level runs first (its sets become template
/// variables, its output after <c>extends</c> is dropped), then the parent's; a block renders the most derived
/// definition with its own local scope over the template variables, <c>super()</c> the next one up.
/// </summary>
internal sealed partial class TemplateRenderer
{
    private readonly Func<string, ParsedTemplate> _load;
    private readonly Dictionary<string, object?> _globals;
    private readonly Dictionary<string, List<BlockStatement>> _blocks = [];

    private TemplateRenderer(Func<string, ParsedTemplate> load, IReadOnlyDictionary<string, object?> context)
    {
        _load = load;
        _globals = new Dictionary<string, object?>(context);
    }

    public static string Render(Func<string, ParsedTemplate> load, string templateName, IReadOnlyDictionary<string, object?> context)
    {
        var renderer = new TemplateRenderer(load, context);
        var output = new StringBuilder();
        ParsedTemplate? template = load(templateName);
        foreach (var (name, block) in template.Blocks) renderer._blocks[name] = [block];
        while (template is not null)
        {
            var scope = new Scope(renderer, null, template);
            scope.Execute(template.Body, output);
            template = scope.Parent;
        }

        return output.ToString();
    }

    /// <summary>Variables of one frame: the template's top level writes the globals, blocks and loops their own.</summary>
    private sealed partial class Scope(TemplateRenderer renderer, Scope? outer, ParsedTemplate template)
    {
        private readonly Dictionary<string, object?> _locals = [];

        private Scope? Outer { get; } = outer;

        public ParsedTemplate? Parent { get; private set; }

        private bool IsTopLevel => Outer is null && _blockDepth < 0;

        private int _blockDepth = -1;
        private string? _blockName;

        public Scope Block(BlockStatement block, int depth) => new(renderer, null, template) { _blockDepth = depth, _blockName = block.Name };

        public object? Lookup(string name)
        {
            for (var scope = this; scope is not null; scope = scope.Outer)
            {
                if (scope._locals.TryGetValue(name, out var local)) return local;
                if (scope.Outer is null && scope._blockDepth >= 0 && name == "super") return scope.Super();
            }

            if (name == "self") return renderer.SelfReference();
            return renderer._globals.TryGetValue(name, out var value) ? value : new Undefined(name);
        }

        private void Assign(string name, object? value)
        {
            if (IsTopLevel) renderer._globals[name] = value;
            else _locals[name] = value;
        }

        private TemplateCallable Super() => (_, _) =>
        {
            var chain = renderer._blocks[_blockName!];
            if (_blockDepth + 1 >= chain.Count) throw new TemplateRuntimeError($"no parent block '{_blockName}' to call super() on");
            return renderer.RenderBlock(_blockName!, _blockDepth + 1);
        };

        public void Execute(IReadOnlyList<Statement> body, StringBuilder output)
        {
            foreach (var statement in body)
            {
                try
                {
                    Execute(statement, output);
                }
                catch (TemplateRuntimeError e)
                {
                    throw new TemplateException(StatementTemplate(statement), statement.Line, e.Message, e);
                }
            }
        }

        /// <summary>Evaluates an expression that may sit on a later line than its statement (an elif test).</summary>
        private object? EvaluateAt(Expression expression)
        {
            try
            {
                return Evaluate(expression);
            }
            catch (TemplateRuntimeError e)
            {
                throw new TemplateException(template.Name, expression.Line, e.Message, e);
            }
        }

        private string StatementTemplate(Statement statement) => statement is BlockStatement b ? b.Template : template.Name;

        // Output of a child template after its extends goes nowhere; loops and filters at its top level included.
        private bool Suppressed
        {
            get
            {
                var root = this;
                while (root.Outer is not null) root = root.Outer;
                return root.IsTopLevel && root.Parent is not null;
            }
        }

        private void Execute(Statement statement, StringBuilder output)
        {
            switch (statement)
            {
                case OutputStatement text:
                    if (!Suppressed) output.Append(text.Text);
                    break;
                case PrintStatement print:
                    var printed = TemplateValues.Str(Evaluate(print.Value));
                    if (!Suppressed) output.Append(printed);
                    break;
                case ExtendsStatement extends:
                    if (Parent is not null) throw new TemplateRuntimeError("extended multiple times");
                    var parentName = Evaluate(extends.Template) as string ?? throw new TemplateRuntimeError("extends needs a template name");
                    Parent = LoadParent(parentName);
                    break;
                case BlockStatement block:
                    if (!Suppressed) output.Append(renderer.RenderBlock(block.Name, 0));
                    break;
                case SetStatement set:
                    AssignTargets(set.Targets, Evaluate(set.Value));
                    break;
                case IfStatement conditional:
                    var branch = conditional.Branches.FirstOrDefault(b => TemplateValues.Truthy(EvaluateAt(b.Test))).Body ?? conditional.Else;
                    Execute(branch, output);
                    break;
                case ForStatement loop:
                    ExecuteFor(loop, output);
                    break;
                case FilterStatement filter:
                    var inner = new Scope(renderer, this, template);
                    var body = new StringBuilder();
                    inner.Execute(filter.Body, body);
                    var filtered = TemplateValues.Str(ApplyFilter(filter.Filter, body.ToString()));
                    if (!Suppressed) output.Append(filtered);
                    break;
                default:
                    throw new TemplateRuntimeError($"unsupported statement {statement.GetType().Name}");
            }
        }

        private ParsedTemplate LoadParent(string name)
        {
            var parent = renderer._load(name);
            foreach (var (blockName, block) in parent.Blocks)
            {
                if (!renderer._blocks.TryGetValue(blockName, out var chain)) renderer._blocks[blockName] = chain = [];
                chain.Add(block);
            }

            return parent;
        }

        private void ExecuteFor(ForStatement loop, StringBuilder output)
        {
            var items = TemplateValues.Iterate(EvaluateAt(loop.Iterable)).ToList();
            if (loop.Condition is not null)
            {
                items = items.Where(item =>
                {
                    var probe = new Scope(renderer, this, template);
                    probe.AssignTargets(loop.Targets, item);
                    return TemplateValues.Truthy(probe.Evaluate(loop.Condition));
                }).ToList();
            }

            if (items.Count == 0)
            {
                Execute(loop.Else, output);
                return;
            }

            var scope = new Scope(renderer, this, template);
            for (var i = 0; i < items.Count; i++)
            {
                scope.AssignTargets(loop.Targets, items[i]);
                scope._locals["loop"] = LoopInfo(i, items);
                scope.Execute(loop.Body, output);
            }
        }

        private static OrderedDictionary<object, object?> LoopInfo(int i, List<object?> items) => new()
        {
            ["index"] = (long)i + 1,
            ["index0"] = (long)i,
            ["revindex"] = (long)(items.Count - i),
            ["revindex0"] = (long)(items.Count - i - 1),
            ["first"] = i == 0,
            ["last"] = i == items.Count - 1,
            ["length"] = (long)items.Count,
            ["previtem"] = i > 0 ? items[i - 1] : new Undefined("previtem"),
            ["nextitem"] = i + 1 < items.Count ? items[i + 1] : new Undefined("nextitem"),
        };

        private void AssignTargets(IReadOnlyList<string> targets, object? value)
        {
            if (targets.Count == 1)
            {
                Assign(targets[0], value);
                return;
            }

            var parts = TemplateValues.Iterate(value).ToList();
            if (parts.Count != targets.Count) throw new TemplateRuntimeError($"cannot unpack {parts.Count} values into {targets.Count} names");
            for (var i = 0; i < targets.Count; i++) Assign(targets[i], parts[i]);
        }
    }

    private string RenderBlock(string name, int depth)
    {
        var block = _blocks[name][depth];
        var output = new StringBuilder();
        var template = _load(block.Template);
        new Scope(this, null, template).Block(block, depth).Execute(block.Body, output);
        return output.ToString();
    }

    /// <summary><c>self.NAME()</c> renders block NAME again, as its most derived definition.</summary>
    private OrderedDictionary<object, object?> SelfReference()
    {
        var self = new OrderedDictionary<object, object?>();
        foreach (var name in _blocks.Keys)
        {
            self[name] = (TemplateCallable)((_, _) => RenderBlock(name, 0));
        }

        return self;
    }
}
