namespace Lava.Kernel.Configuration;

/// <summary>Where a token or value came from; rendered as <c>FILE:LINE:COLUMN</c> in error messages.</summary>
internal sealed record ConfigOrigin(string Description, int Line, int Column)
{
    public override string ToString() => $"{Description}:{Line}:{Column}";
}
