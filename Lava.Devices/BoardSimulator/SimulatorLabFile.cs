using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lava.Devices.BoardSimulator;

/// <summary>A lab for <c>./lava sim</c>: boards and the PDUs that power them, as a YAML file describes them.</summary>
/// <param name="Boards">The boards, in file order.</param>
/// <param name="Pdus">The PDUs, in file order.</param>
public sealed record SimulatorLabDefinition(ImmutableArray<SimulatedBoardOptions> Boards, ImmutableArray<SimulatorPduDefinition> Pdus);

/// <summary>One PDU of a lab file: where it listens and which board (by name) each outlet feeds.</summary>
public sealed record SimulatorPduDefinition(string Name, string Host, int Port, ImmutableDictionary<int, string> Outlets, TimeSpan RebootDelay);

/// <summary>A lab file that cannot be used; the message names the file, the field and what is wrong.</summary>
public sealed class SimulatorLabException(string message) : Exception(message);

/// <summary>
/// Reads a simulator lab file (format in the README and examples/sim/lab.yaml). Every key is checked: an unknown
/// key, a wrong type, a duplicate name or port, an outlet naming no board each throw
/// <see cref="SimulatorLabException"/> naming the field, e.g. <c>boards[1].faults.hang_after_kernel_lines</c>.
/// </summary>
public static class SimulatorLabFile
{
    /// <summary>Reads and checks the lab file at <paramref name="path"/>.</summary>
    public static SimulatorLabDefinition Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SimulatorLabException($"{path}: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Reads and checks a lab file's text; <paramref name="source"/> names it in errors.</summary>
    public static SimulatorLabDefinition Parse(string text, string source = "lab file")
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SimulatorLabException($"{source}: not YAML (line {e.Start.Line}): {e.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SimulatorLabException($"{source}: expected a mapping with 'boards' (and optionally 'pdus')");
        }
        var top = new Fields(root, "", source);
        top.Only("boards", "pdus");
        var boards = top.List("boards", required: true).Select((node, i) => Board(Fields.Of(node, $"boards[{i}]", source))).ToImmutableArray();
        if (boards.IsEmpty)
        {
            throw new SimulatorLabException($"{source}: boards: at least one board is needed");
        }
        var pdus = top.List("pdus", required: false).Select((node, i) => Pdu(Fields.Of(node, $"pdus[{i}]", source))).ToImmutableArray();
        Check(boards, pdus, source);
        return new SimulatorLabDefinition(boards, pdus);
    }

    private static SimulatedBoardOptions Board(Fields f)
    {
        f.Only("name", "host", "port", "baud", "autoboot_seconds", "boot_log_bytes", "prompts", "credentials", "shell", "faults");
        var defaults = new SimulatedBoardOptions { Name = "board" };
        var prompts = f.Map("prompts");
        prompts?.Only("bootloader", "interrupt", "login", "password", "shell");
        var credentials = f.Map("credentials");
        credentials?.Only("username", "password");
        return new SimulatedBoardOptions
        {
            Name = f.Name("name"),
            Host = f.Address("host") ?? defaults.Host,
            Port = f.Int("port", 0, 65535) ?? defaults.Port,
            BaudRate = f.Int("baud", 0, 4_000_000) ?? defaults.BaudRate,
            AutobootSeconds = f.Int("autoboot_seconds", 0, 3600) ?? defaults.AutobootSeconds,
            BootLogBytes = f.Int("boot_log_bytes", 0, int.MaxValue) ?? defaults.BootLogBytes,
            BootloaderPrompt = prompts?.String("bootloader") ?? defaults.BootloaderPrompt,
            InterruptPrompt = prompts?.String("interrupt") ?? defaults.InterruptPrompt,
            LoginPrompt = prompts?.String("login") ?? defaults.LoginPrompt,
            PasswordPrompt = prompts?.String("password") ?? defaults.PasswordPrompt,
            ShellPrompt = prompts?.String("shell"),
            Username = credentials?.String("username") ?? defaults.Username,
            Password = credentials?.String("password", allowEmpty: true),
            Shell = f.String("shell") ?? defaults.Shell,
            Faults = Faults(f.Map("faults")),
        };
    }

    private static BoardFaults Faults(Fields? f)
    {
        if (f is null)
        {
            return BoardFaults.None;
        }
        f.Only("hang_after_kernel_lines", "garbage_in_boot_log", "slow_console_baud", "drop_connection_after_bytes", "fail_power");
        return new BoardFaults
        {
            HangAfterKernelLines = f.Int("hang_after_kernel_lines", 0, 1000),
            GarbageInBootLog = f.Bool("garbage_in_boot_log") ?? false,
            SlowConsoleBaud = f.Int("slow_console_baud", 1, 4_000_000),
            DropConnectionAfterBytes = f.Int("drop_connection_after_bytes", 1, int.MaxValue),
            FailPower = f.Bool("fail_power") ?? false,
        };
    }

    private static SimulatorPduDefinition Pdu(Fields f)
    {
        f.Only("name", "host", "port", "reboot_delay_ms", "outlets");
        var outlets = f.Map("outlets") ?? throw f.Error("outlets", "required: a mapping of outlet number to board name");
        var byNumber = outlets.Keys().ToImmutableDictionary(
            key => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 10_000
                ? n
                : throw outlets.Error(key, "an outlet is a whole number from 1 to 9999"),
            key => outlets.Name(key));
        return new SimulatorPduDefinition(
            f.Name("name"),
            f.Address("host") ?? "127.0.0.1",
            f.Int("port", 0, 65535) ?? 0,
            byNumber,
            TimeSpan.FromMilliseconds(f.Int("reboot_delay_ms", 0, 600_000) ?? 1000));
    }

    private static void Check(ImmutableArray<SimulatedBoardOptions> boards, ImmutableArray<SimulatorPduDefinition> pdus, string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ports = new HashSet<(string, int)>();
        for (var i = 0; i < boards.Length; i++)
        {
            if (!names.Add(boards[i].Name))
            {
                throw new SimulatorLabException($"{source}: boards[{i}].name: '{boards[i].Name}' names two boards");
            }
            if (boards[i].Port != 0 && !ports.Add((boards[i].Host, boards[i].Port)))
            {
                throw new SimulatorLabException($"{source}: boards[{i}].port: {boards[i].Port} is used twice");
            }
        }
        var powered = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < pdus.Length; i++)
        {
            if (pdus[i].Port != 0 && !ports.Add((pdus[i].Host, pdus[i].Port)))
            {
                throw new SimulatorLabException($"{source}: pdus[{i}].port: {pdus[i].Port} is used twice");
            }
            foreach (var (outlet, board) in pdus[i].Outlets.OrderBy(o => o.Key))
            {
                var field = $"pdus[{i}].outlets.{outlet}";
                if (!names.Contains(board))
                {
                    throw new SimulatorLabException($"{source}: {field}: no board is named '{board}'");
                }
                if (!powered.TryAdd(board, field))
                {
                    throw new SimulatorLabException($"{source}: {field}: '{board}' is already powered by {powered[board]}");
                }
            }
        }
    }

    /// <summary>The keys of one mapping, read with the path of each field for errors.</summary>
    private sealed class Fields(YamlMappingNode node, string path, string source)
    {
        public static Fields Of(YamlNode node, string path, string source) =>
            node as YamlMappingNode is { } map ? new Fields(map, path, source) : throw new SimulatorLabException($"{source}: {path}: expected a mapping");

        public IEnumerable<string> Keys() => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "");

        public void Only(params string[] known)
        {
            foreach (var key in Keys().Where(k => !known.Contains(k)))
            {
                throw Error(key, $"unknown key (known: {string.Join(", ", known)})");
            }
        }

        public SimulatorLabException Error(string key, string problem) =>
            new($"{source}: {(path.Length == 0 ? key : $"{path}.{key}")}: {problem}");

        public string Name(string key)
        {
            var name = String(key) ?? throw Error(key, "required");
            return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                ? name
                : throw Error(key, $"'{name}' may hold only letters, digits, '-', '_' and '.'");
        }

        public string? String(string key, bool allowEmpty = false) => Scalar(key) switch
        {
            null => null,
            { Length: 0 } when !allowEmpty => throw Error(key, "must not be empty"),
            var text => text,
        };

        public string? Address(string key) => String(key) switch
        {
            null => null,
            var text when IPAddress.TryParse(text, out _) => text,
            var text => throw Error(key, $"expected an IP address to listen on, got '{text}'"),
        };

        public int? Int(string key, int min, int max) => Scalar(key) switch
        {
            null => null,
            var text when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) =>
                n >= min && n <= max ? n : throw Error(key, $"{n} is out of range ({min} to {max})"),
            var text => throw Error(key, $"expected a whole number, got '{text}'"),
        };

        public bool? Bool(string key) => Scalar(key) switch
        {
            null => null,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            var text => throw Error(key, $"expected true or false, got '{text}'"),
        };

        public Fields? Map(string key) => Node(key) switch
        {
            null => null,
            YamlMappingNode map => new Fields(map, path.Length == 0 ? key : $"{path}.{key}", source),
            _ => throw Error(key, "expected a mapping"),
        };

        public IReadOnlyList<YamlNode> List(string key, bool required) => Node(key) switch
        {
            null when required => throw Error(key, "required: a list"),
            null => [],
            YamlSequenceNode list => list.Children.ToList(),
            _ => throw Error(key, "expected a list"),
        };

        private string? Scalar(string key) => Node(key) switch
        {
            null => null,
            YamlScalarNode scalar => scalar.Value ?? "",
            _ => throw Error(key, "expected a single value"),
        };

        private YamlNode? Node(string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;

        private static bool IsNull(YamlNode value) =>
            value is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" };
    }
}
