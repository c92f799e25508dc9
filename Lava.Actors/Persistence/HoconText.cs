namespace Lava.Actors.Persistence;

/// <summary>Puts values into generated HOCON.</summary>
internal static class HoconText
{
    /// <summary><paramref name="value"/> as a quoted HOCON string (connection strings hold <c>=</c>, <c>;</c> and quotes).</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
