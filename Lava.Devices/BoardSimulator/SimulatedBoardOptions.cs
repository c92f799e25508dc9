namespace Lava.Devices.BoardSimulator;

/// <summary>
/// How one simulated board looks on its console: where it listens, how fast its serial line runs, what its U-Boot and
/// its Linux print and expect, and which faults it plays. Read by <see cref="SimulatedBoard"/>; a demo and test tool,
/// not a security boundary (its shell runs as the user running the simulator).
/// </summary>
public sealed record SimulatedBoardOptions
{
    /// <summary>The board's name, shown in the banner and the default prompts.</summary>
    public required string Name { get; init; }

    /// <summary>The TCP address the console listens on.</summary>
    /// <value><c>127.0.0.1</c> by default.</value>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The console's TCP port; 0 picks a free one (see <see cref="SimulatedBoard.Port"/>).</summary>
    /// <value>0 by default.</value>
    public int Port { get; init; }

    /// <summary>The serial line's speed: output is paced at 10 bits a byte. 0 sends as fast as TCP takes it.</summary>
    /// <value>115200 by default.</value>
    public int BaudRate { get; init; } = 115200;

    /// <summary>U-Boot's prompt, without the space U-Boot prints after it.</summary>
    /// <value><c>=&gt;</c> by default.</value>
    public string BootloaderPrompt { get; init; } = "=>";

    /// <summary>The autoboot line, printed before the countdown digit.</summary>
    /// <value><c>Hit any key to stop autoboot</c> by default (LAVA's <c>interrupt-prompt</c>).</value>
    public string InterruptPrompt { get; init; } = "Hit any key to stop autoboot";

    /// <summary>Seconds of autoboot countdown; 0 boots at once without a chance to interrupt.</summary>
    /// <value>3 by default.</value>
    public int AutobootSeconds { get; init; } = 3;

    /// <summary>The prompt Linux's getty prints, after the board's name.</summary>
    /// <value><c>login:</c> by default, printed as <c>NAME login: </c>.</value>
    public string LoginPrompt { get; init; } = "login:";

    /// <summary>The prompt for the password, when <see cref="Password"/> is set.</summary>
    /// <value><c>Password:</c> by default.</value>
    public string PasswordPrompt { get; init; } = "Password:";

    /// <summary>The user that may log in.</summary>
    /// <value><c>root</c> by default.</value>
    public string Username { get; init; } = "root";

    /// <summary>The user's password; null logs in without asking for one.</summary>
    /// <value>null by default.</value>
    public string? Password { get; init; }

    /// <summary>The shell's prompt (its PS1); null means <c>USER@NAME:~# </c>.</summary>
    /// <value>null by default.</value>
    public string? ShellPrompt { get; init; }

    /// <summary>The shell that test definitions run in, started in a fresh temporary directory at each login.</summary>
    /// <value><c>/bin/sh</c> by default.</value>
    public string Shell { get; init; } = "/bin/sh";

    /// <summary>
    /// Extra kernel log lines (<see cref="KernelLogFiller"/>) printed after the usual ones until the boot log holds at
    /// least this many more bytes: a long boot, for measuring how fast a console's output reaches the job's log.
    /// </summary>
    /// <value>0 (the usual dozen lines) by default.</value>
    public long BootLogBytes { get; init; }

    /// <summary>
    /// Awaited once the kernel lines before the <see cref="BootLogBytes"/> filler are out, before the filler: lets a
    /// program start many boards' long boot logs at the same moment, whenever each board was powered on.
    /// </summary>
    /// <value>null (no wait) by default.</value>
    public Func<CancellationToken, Task>? BeforeBootLogFiller { get; init; }

    /// <summary>The faults this board plays.</summary>
    /// <value>none by default.</value>
    public BoardFaults Faults { get; init; } = BoardFaults.None;

    /// <summary>The prompt the shell prints.</summary>
    public string EffectiveShellPrompt => ShellPrompt ?? $"{Username}@{Name}:~# ";

    /// <summary>The speed the line really runs at: the slow-console fault wins.</summary>
    public int EffectiveBaudRate => Faults.SlowConsoleBaud ?? BaudRate;
}

/// <summary>Faults a <see cref="SimulatedBoard"/> (and the <see cref="SimulatedPdu"/> outlet feeding it) plays.</summary>
public sealed record BoardFaults
{
    /// <summary>No fault.</summary>
    public static readonly BoardFaults None = new();

    /// <summary>The kernel stops after printing this many lines of its boot log and ignores its console until powered off.</summary>
    /// <value>null (boots to login) by default.</value>
    public int? HangAfterKernelLines { get; init; }

    /// <summary>Bursts of invalid UTF-8 and broken ANSI escapes follow every kernel log line.</summary>
    /// <value>false by default.</value>
    public bool GarbageInBootLog { get; init; }

    /// <summary>A slower serial line: the baud rate used instead of the board's.</summary>
    /// <value>null by default.</value>
    public int? SlowConsoleBaud { get; init; }

    /// <summary>The console closes each TCP connection after sending it this many bytes.</summary>
    /// <value>null by default.</value>
    public long? DropConnectionAfterBytes { get; init; }

    /// <summary>The PDU refuses to switch this board's outlet, answering an error.</summary>
    /// <value>false by default.</value>
    public bool FailPower { get; init; }
}
