namespace Lava.Devices.Qemu;

/// <summary>One image the deploy action put in the job's directory: its label in the job (<c>kernel</c>,
/// <c>initrd</c>, <c>dtb</c>...), where it is now, and the job's <c>image_arg</c> for it (null when it has none).</summary>
public sealed record QemuImage(string Label, string Path, string? ImageArg);

/// <summary>A QEMU command line made by <see cref="QemuCommandLine.Build"/>: the program and its arguments (no shell).</summary>
public sealed record QemuCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The program followed by its arguments, as a process is started with them.</summary>
    public IReadOnlyList<string> ArgumentVector => [Program, .. Arguments];

    /// <summary>The command as LAVA logs it ("Boot command: ..."): arguments joined with spaces, quoted when they need it.</summary>
    public override string ToString() => string.Join(' ', ArgumentVector.Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:@+%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
}
