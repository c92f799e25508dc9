using System.Text;

namespace Lava.Kernel.Configuration;

internal sealed partial class HoconParser
{
    // The quoted file name stands for this character in the shape of an include argument.
    private const char NameSlot = '\0';

    /// <summary>
    /// <c>include "f"</c>, <c>include file("f")</c>, <c>include required("f")</c> or
    /// <c>include required(file("f"))</c>: the included root object's fields are merged in place of the
    /// statement, as if written there, and its substitutions are looked up under <paramref name="objectPath"/> first.
    /// </summary>
    private void ParseInclude(OrderedDictionary<string, HoconNode> fields, IReadOnlyList<string> objectPath)
    {
        var include = Take();
        SkipBlank();

        // `file("a")` tokenizes as `file(`, "a", `)` because parentheses may appear in unquoted strings,
        // so the argument is matched by its shape with the quoted name replaced by a slot.
        var shape = new StringBuilder();
        string? name = null;
        while (true)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Whitespace)
            {
                _pos++;
            }
            else if (token.Kind == TokenKind.Unquoted)
            {
                shape.Append(token.Text);
                _pos++;
            }
            else if (token.Kind == TokenKind.Quoted && name is null)
            {
                name = token.Text;
                shape.Append(NameSlot);
                _pos++;
            }
            else
            {
                break;
            }
        }

        var (required, supported) = shape.ToString() switch
        {
            "\0" or "file(\0)" => (false, true),
            "required(\0)" or "required(file(\0))" => (true, true),
            "classpath(\0)" or "url(\0)" or "required(classpath(\0))" or "required(url(\0))" => (false, false),
            _ => throw new ConfigException(include.Origin, "include must be followed by a quoted file name, file(\"…\") or required(…)"),
        };

        if (!supported)
        {
            throw new ConfigException(include.Origin, "only file includes are supported, not classpath(…) or url(…)");
        }

        foreach (var included in IncludeFile(name!, required, include.Origin, objectPath).Fields)
        {
            Assign(fields, included.Key, included.Value);
        }
    }

    private HoconObject IncludeFile(string name, bool required, ConfigOrigin origin, IReadOnlyList<string> objectPath)
    {
        var path = Path.IsPathRooted(name) ? name : Path.Combine(_baseDirectory ?? string.Empty, name);

        // A name without extension is a basename: every known format is loaded, JSON before HOCON.
        string[] candidates = File.Exists(path) || Path.HasExtension(path)
            ? [path]
            : [path + ".json", path + ".conf"];
        var existing = candidates.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            return required
                ? throw new ConfigException(origin, $"required include '{name}' not found (looked for {string.Join(", ", candidates)})")
                : HoconObject.Empty(origin);
        }

        var result = HoconObject.Empty(origin);
        foreach (var file in existing)
        {
            var fullPath = Path.GetFullPath(file);
            if (_includeChain.Contains(fullPath, StringComparer.Ordinal))
            {
                throw new ConfigException(origin, $"include cycle: '{file}' includes itself");
            }

            var text = File.ReadAllText(file);
            var parser = new HoconParser(text, file, Path.GetDirectoryName(file), objectPath, [.. _includeChain, fullPath]);
            result = HoconMerge.MergeObjects(result, parser.ParseRoot());
        }

        return result;
    }

    /// <summary>Parses a file; relative includes inside it resolve against its directory.</summary>
    public static HoconObject ParseFile(string path)
    {
        var text = File.ReadAllText(path);
        return new HoconParser(text, path, Path.GetDirectoryName(path), [], [Path.GetFullPath(path)]).ParseRoot();
    }
}
