using System.Collections;

namespace Lava.Actors.Lab.Devices;

internal sealed partial class TemplateRenderer
{
    private sealed partial class Scope
    {
        public object? Evaluate(Expression expression) => expression switch
        {
            LiteralExpression literal => literal.Value,
            NameExpression name => Lookup(name.Name),
            ListExpression list => list.Items.Select(Evaluate).ToList(),
            DictExpression dict => BuildDict(dict),
            AttributeExpression attribute => GetAttribute(Evaluate(attribute.Target), attribute.Attribute),
            ItemExpression item => GetItem(Evaluate(item.Target), Evaluate(item.Key)),
            CallExpression call => Call(call),
            FilterExpression filter => ApplyFilter(filter, Evaluate(filter.Value!)),
            TestExpression test => RunTest(test),
            BinaryExpression binary => Binary(binary),
            UnaryExpression unary => Unary(unary),
            CompareExpression compare => Compare(compare),
            ConditionalExpression conditional => TemplateValues.Truthy(Evaluate(conditional.Test))
                ? Evaluate(conditional.Then)
                : conditional.Else is null ? new Undefined("conditional") : Evaluate(conditional.Else),
            _ => throw new TemplateRuntimeError($"unsupported expression {expression.GetType().Name}"),
        };

        private OrderedDictionary<object, object?> BuildDict(DictExpression dict)
        {
            var map = new OrderedDictionary<object, object?>();
            foreach (var (key, value) in dict.Items)
            {
                map[Evaluate(key) ?? throw new TemplateRuntimeError("None is not a supported dict key")] = Evaluate(value);
            }

            return map;
        }

        private static object? GetAttribute(object? target, string attribute)
        {
            if (target is Undefined u) throw new TemplateRuntimeError($"'{u.Name}' is undefined");
            return Method(target, attribute) ?? GetItemOrUndefined(target, attribute, attribute);
        }

        private static object? GetItem(object? target, object? key)
        {
            if (target is Undefined u) throw new TemplateRuntimeError($"'{u.Name}' is undefined");
            return GetItemOrUndefined(target, key, TemplateValues.Str(key));
        }

        private static object? GetItemOrUndefined(object? target, object? key, string name)
        {
            switch (target)
            {
                case IDictionary map when key is not null && FindKey(map, key) is { } found:
                    return map[found];
                case IList list when key is long or int:
                    var index = (int)TemplateValues.ToDouble(key);
                    if (index < 0) index += list.Count;
                    return index >= 0 && index < list.Count ? list[index] : new Undefined(name);
                case string s when key is long or int:
                    var at = (int)TemplateValues.ToDouble(key);
                    if (at < 0) at += s.Length;
                    return at >= 0 && at < s.Length ? s[at].ToString() : new Undefined(name);
                default:
                    return new Undefined($"{TemplateValues.TypeName(target)} object has no element {name}");
            }
        }

        private static object? FindKey(IDictionary map, object key)
        {
            if (map.Contains(key)) return key;
            return map.Keys.Cast<object>().FirstOrDefault(k => TemplateValues.Equals(k, key));
        }

        /// <summary>The Python methods templates call on values (sandbox-safe ones only).</summary>
        private static TemplateCallable? Method(object? target, string name) => (target, name) switch
        {
            (IDictionary map, "get") => (args, _) => args.Count > 0 && args[0] is { } key && FindKey(map, key) is { } found
                ? map[found]
                : args.Count > 1 ? args[1] : null,
            (IDictionary map, "items") => (_, _) => map.Keys.Cast<object>().Select(k => (object?)new List<object?> { k, map[k] }).ToList(),
            (IDictionary map, "keys") => (_, _) => map.Keys.Cast<object?>().ToList(),
            (IDictionary map, "values") => (_, _) => map.Values.Cast<object?>().ToList(),
            (string s, "upper") => (_, _) => s.ToUpperInvariant(),
            (string s, "lower") => (_, _) => s.ToLowerInvariant(),
            (string s, "strip") => (_, _) => s.Trim(),
            (string s, "startswith") => (args, _) => s.StartsWith(TemplateValues.Str(args[0]), StringComparison.Ordinal),
            (string s, "endswith") => (args, _) => s.EndsWith(TemplateValues.Str(args[0]), StringComparison.Ordinal),
            (string s, "replace") => (args, _) => s.Replace(TemplateValues.Str(args[0]), TemplateValues.Str(args[1]), StringComparison.Ordinal),
            (string s, "split") => (args, _) => (args.Count > 0 && args[0] is string sep
                ? s.Split(sep)
                : s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Select(x => (object?)x).ToList(),
            _ => null,
        };

        private object? Call(CallExpression call)
        {
            var target = Evaluate(call.Target);
            if (target is Undefined u) throw new TemplateRuntimeError($"'{u.Name}' is undefined");
            if (target is not TemplateCallable callable) throw new TemplateRuntimeError($"{TemplateValues.TypeName(target)} object is not callable");
            var kwargs = call.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value));
            return callable(call.Args.Select(Evaluate).ToList(), kwargs);
        }

        private object? ApplyFilter(FilterExpression filter, object? value)
        {
            var args = filter.Args.Select(Evaluate).ToList();
            var kwargs = filter.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value));
            return TemplateFilters.Apply(filter.Name, value, args, kwargs);
        }

        private object? RunTest(TestExpression test)
        {
            var value = Evaluate(test.Value);
            var args = test.Args.Select(Evaluate).ToList();
            var result = test.Name switch
            {
                "defined" => value is not Undefined,
                "undefined" => value is Undefined,
                "none" => value is null,
                "string" => value is string,
                "number" => value is long or int or double,
                "integer" => value is long or int,
                "float" => value is double,
                "boolean" => value is bool,
                "true" => value is true,
                "false" => value is false,
                "mapping" => value is IDictionary,
                "sequence" => value is IList or string or IDictionary,
                "iterable" => value is IList or string or IDictionary or Undefined,
                "callable" => value is TemplateCallable,
                "eq" or "equalto" or "==" => TemplateValues.Equals(value, args[0]),
                "ne" or "!=" => !TemplateValues.Equals(value, args[0]),
                "in" => TemplateValues.Contains(args[0], value),
                "odd" => (long)TemplateValues.ToDouble(value) % 2 != 0,
                "even" => (long)TemplateValues.ToDouble(value) % 2 == 0,
                "lower" => value is string s && s == s.ToLowerInvariant(),
                "upper" => value is string s && s == s.ToUpperInvariant(),
                _ => throw new TemplateRuntimeError($"no test named '{test.Name}'"),
            };
            return result != test.Negated;
        }

        private object? Binary(BinaryExpression binary)
        {
            if (binary.Operator == "and")
            {
                var left = Evaluate(binary.Left);
                return TemplateValues.Truthy(left) ? Evaluate(binary.Right) : left;
            }

            if (binary.Operator == "or")
            {
                var left = Evaluate(binary.Left);
                return TemplateValues.Truthy(left) ? left : Evaluate(binary.Right);
            }

            var a = Evaluate(binary.Left);
            var b = Evaluate(binary.Right);
            return binary.Operator switch
            {
                "~" => TemplateValues.Str(a) + TemplateValues.Str(b),
                "+" => TemplateValues.Add(a, b),
                "-" => TemplateValues.Arithmetic(a, b, "-", (x, y) => x - y, (x, y) => x - y),
                "*" => Multiply(a, b),
                "/" => TemplateValues.ToDouble(Checked(a)) / NonZero(TemplateValues.ToDouble(Checked(b))),
                "//" => TemplateValues.Arithmetic(a, b, "//", (x, y) => (long)Math.Floor((double)x / NonZero(y)), (x, y) => Math.Floor(x / NonZero(y))),
                "%" => TemplateValues.Arithmetic(a, b, "%", (x, y) => ((x % (long)NonZero(y)) + y) % y, (x, y) => x - (y * Math.Floor(x / NonZero(y)))),
                "**" => TemplateValues.Arithmetic(a, b, "**", (x, y) => y >= 0 ? (long)Math.Pow(x, y) : throw new TemplateRuntimeError("negative integer power"), Math.Pow),
                _ => throw new TemplateRuntimeError($"unknown operator '{binary.Operator}'"),
            };
        }

        private static object? Checked(object? value)
        {
            TemplateValues.FailIfUndefined(value);
            return value;
        }

        private static double NonZero(double value) => value == 0 ? throw new TemplateRuntimeError("division by zero") : value;

        private static object? Multiply(object? a, object? b)
        {
            TemplateValues.FailIfUndefined(a, b);
            if (a is string s && b is long n) return string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n)));
            if (a is IList list and not IDictionary && b is long times) return Enumerable.Repeat(list.Cast<object?>(), (int)Math.Max(0, times)).SelectMany(x => x).ToList();
            return TemplateValues.Arithmetic(a, b, "*", (x, y) => x * y, (x, y) => x * y);
        }

        private object? Unary(UnaryExpression unary)
        {
            var value = Evaluate(unary.Operand);
            return unary.Operator switch
            {
                "not" => !TemplateValues.Truthy(value),
                "-" => value is double d ? -d : (object)(-(long)TemplateValues.ToDouble(Checked(value))),
                _ => Checked(value),
            };
        }

        private bool Compare(CompareExpression compare)
        {
            var left = Evaluate(compare.First);
            foreach (var (op, operand) in compare.Rest)
            {
                var right = Evaluate(operand);
                var holds = op switch
                {
                    "==" => TemplateValues.Equals(left, right),
                    "!=" => !TemplateValues.Equals(left, right),
                    "in" => TemplateValues.Contains(right, left),
                    "not in" => !TemplateValues.Contains(right, left),
                    _ => Order(op, left, right),
                };
                if (!holds) return false;
                left = right;
            }

            return true;
        }

        private static bool Order(string op, object? left, object? right)
        {
            TemplateValues.FailIfUndefined(left, right);
            var c = TemplateValues.Compare(left, right);
            return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
        }
    }
}
