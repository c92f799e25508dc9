namespace Lava.Host.Master.Gateway.Lab;

/// <summary>How a lab request was refused; REST answers 400, 404 and 409, XML-RPC faults 400, 404 and 400.</summary>
internal enum LabRefusal
{
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>A lab request refused before anything was written; <see cref="Field"/> names the offending input when there is one.</summary>
internal sealed class LabRequestException(LabRefusal refusal, string? field, string message) : Exception(message)
{
    public LabRefusal Refusal { get; } = refusal;

    public string? Field { get; } = field;

    public static LabRequestException Invalid(string field, string message) => new(LabRefusal.Invalid, field, message);

    public static LabRequestException NotFound(string message) => new(LabRefusal.NotFound, null, message);
}
