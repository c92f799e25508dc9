using System.Text;

namespace Lava.Kernel.Configuration;

/// <summary>Path expressions: <c>a.b."c.d"</c> as keys, in substitutions and in getter arguments.</summary>
internal static class HoconPath
{
    /// <summary>
    /// Joins key tokens into path elements. Dots split elements only outside quoted strings, and numbers
    /// keep their written form, so <c>10.0foo</c> is the two elements <c>10</c> and <c>0foo</c>.
    /// </summary>
    public static IReadOnlyList<string> FromTokens(IReadOnlyList<HoconToken> tokens, ConfigOrigin origin)
    {
        var start = 0;
        var end = tokens.Count;
        while (start < end && tokens[start].Kind == TokenKind.Whitespace)
        {
            start++;
        }

        while (end > start && tokens[end - 1].Kind == TokenKind.Whitespace)
        {
            end--;
        }

        if (start == end)
        {
            throw new ConfigException(origin, "expected a path expression");
        }

        var elements = new List<string>();
        var current = new StringBuilder();
        var hasQuoted = false;
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Quoted)
            {
                current.Append(token.Text);
                hasQuoted = true;
                continue;
            }

            foreach (var c in token.Text)
            {
                if (c != '.')
                {
                    current.Append(c);
                    continue;
                }

                AddElement(elements, current, hasQuoted, token.Origin);
                hasQuoted = false;
            }
        }

        AddElement(elements, current, hasQuoted, tokens[end - 1].Origin);
        return elements;
    }

    /// <summary>Parses a path given to a getter, such as <c>akka.actor."ask-timeout"</c>.</summary>
    public static IReadOnlyList<string> Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var origin = new ConfigOrigin("path '" + path + "'", 1, 1);
        var tokens = new HoconTokenizer(path, origin.Description).Tokenize();
        var pieces = tokens.Where(t => t.Kind != TokenKind.End).ToList();
        var bad = pieces.FirstOrDefault(t => !t.IsPathPiece);
        if (bad is not null)
        {
            throw new ConfigException(bad.Origin, $"unexpected {bad.Describe()} in path expression");
        }

        return FromTokens(pieces, origin);
    }

    /// <summary>Renders a path so that <see cref="Parse"/> reads it back; elements that need it are quoted.</summary>
    public static string Render(IEnumerable<string> path) => string.Join('.', path.Select(RenderElement));

    public static bool StartsWith(IReadOnlyList<string> path, IReadOnlyList<string> prefix)
    {
        if (prefix.Count > path.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(path[i], prefix[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static IReadOnlyList<string> Append(IReadOnlyList<string> path, string element) => [.. path, element];

    private static string RenderElement(string element)
    {
        var plain = element.Length > 0 && element.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        return plain ? element : "\"" + element.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static void AddElement(List<string> elements, StringBuilder current, bool hasQuoted, ConfigOrigin origin)
    {
        if (current.Length == 0 && !hasQuoted)
        {
            throw new ConfigException(origin, "path has an empty element (write an empty key as \"\")");
        }

        elements.Add(current.ToString());
        current.Clear();
    }
}
