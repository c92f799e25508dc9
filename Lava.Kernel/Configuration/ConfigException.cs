namespace Lava.Kernel.Configuration;

/// <summary>
/// Thrown when HOCON text cannot be parsed or resolved, when a required path is missing, or when a value
/// has the wrong type for the getter used. When the failure has a source position the message starts
/// with <c>FILE:LINE:COLUMN: </c> and <see cref="OriginDescription"/>, <see cref="Line"/> and
/// <see cref="Column"/> carry the same position.
/// </summary>
public sealed class ConfigException : Exception
{
    private readonly string? _reason;

    /// <summary>Creates an exception without a source position.</summary>
    public ConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception without a source position that wraps <paramref name="innerException"/>.</summary>
    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ConfigException(ConfigOrigin origin, string message)
        : base($"{origin}: {message}")
    {
        OriginDescription = origin.Description;
        Line = origin.Line;
        Column = origin.Column;
        _reason = message;
    }

    /// <summary>The file name (or the description given to <see cref="ConfigFactory.ParseString"/>) where the failure was found; null when unknown.</summary>
    public string? OriginDescription { get; }

    /// <summary>1-based line of the failure; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the failure; 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message without the <c>FILE:LINE:COLUMN: </c> prefix.</summary>
    public string Reason => _reason ?? Message;
}
