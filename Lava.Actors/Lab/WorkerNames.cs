using System.Text.RegularExpressions;

namespace Lava.Actors.Lab;

/// <summary>
/// Which worker hostnames are accepted: 1 to 200 characters (LAVA's column size) of letters, digits,
/// '.', '-' and '_', starting with a letter or digit. The name becomes a file name
/// (<c>/etc/lava/workers/NAME.token</c>) and a systemd instance (<c>lava-worker@NAME</c>), so no '/', spaces or '@'.
/// </summary>
public static partial class WorkerNames
{
    /// <summary>The longest accepted hostname.</summary>
    public const int MaxLength = 200;

    /// <summary>Null when <paramref name="hostname"/> is acceptable, else a message saying what is wrong with it.</summary>
    public static string? Validate(string? hostname)
    {
        if (string.IsNullOrEmpty(hostname))
        {
            return "hostname is required";
        }

        if (hostname.Length > MaxLength)
        {
            return $"hostname is longer than {MaxLength} characters";
        }

        return Allowed().IsMatch(hostname)
            ? null
            : $"hostname '{hostname}' is invalid: use letters, digits, '.', '-' and '_', starting with a letter or digit";
    }

    /// <summary>Parses a health as LAVA's APIs write it (<c>ACTIVE</c>, <c>Active</c>, any case); null when it is none of them.</summary>
    public static WorkerHealth? ParseHealth(string? health) => health?.ToUpperInvariant() switch
    {
        "ACTIVE" => WorkerHealth.Active,
        "MAINTENANCE" => WorkerHealth.Maintenance,
        "RETIRED" => WorkerHealth.Retired,
        _ => null,
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
