namespace Lava.Actors.Lab.Devices;

/// <summary>A template that does not parse or render, naming the template file and line as jinja2 does.</summary>
public sealed class TemplateException(string templateName, int line, string reason, Exception? inner = null)
    : Exception($"{templateName}, line {line}: {reason}", inner)
{
    /// <summary>The template's file name, e.g. <c>base-uboot.jinja2</c>.</summary>
    public string TemplateName { get; } = templateName;

    /// <summary>1-based line of the failing tag or expression.</summary>
    public int Line { get; } = line;

    /// <summary>What went wrong, without the location.</summary>
    public string Reason { get; } = reason;
}
