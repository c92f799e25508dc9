using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>How a device dictionary's connection_command becomes a transport.</summary>
public sealed class ConnectionCommandSpec
{
    [Theory]
    [InlineData("telnet localhost 7001", "localhost", 7001)]
    [InlineData("  telnet   127.0.0.1\t7002 ", "127.0.0.1", 7002)]
    [InlineData("telnet 'serial-host' 7003", "serial-host", 7003)]
    [InlineData("telnet dut-console", "dut-console", 23)]
    public void Plain_telnet_must_be_opened_as_telnet_over_tcp(string command, string host, int port)
    {
        var parsed = ConnectionCommand.Parse(command);

        Assert.Equal((host, port), (parsed.TelnetHost, parsed.TelnetPort));
    }

    [Theory]
    [InlineData("socat - /dev/ttyUSB0,raw,echo=0,b115200", new[] { "socat", "-", "/dev/ttyUSB0,raw,echo=0,b115200" })]
    [InlineData("telnet -e x localhost 7001", new[] { "telnet", "-e", "x", "localhost", "7001" })]
    [InlineData("ssh -o 'StrictHostKeyChecking no' root@10.0.0.2", new[] { "ssh", "-o", "StrictHostKeyChecking no", "root@10.0.0.2" })]
    [InlineData("sh -c \"echo \\\"hi\\\" $HOME\"", new[] { "sh", "-c", "echo \"hi\" $HOME" })]
    [InlineData("conmux-console my\\ board", new[] { "conmux-console", "my board" })]
    public void Other_commands_must_be_split_as_a_shell_would_and_run_as_a_process(string command, string[] arguments)
    {
        var parsed = ConnectionCommand.Parse(command);

        Assert.Null(parsed.TelnetHost);
        Assert.Null(parsed.SerialDevice);
        Assert.Equal(arguments, parsed.Arguments);
    }

    [Theory]
    [InlineData("/dev/ttyUSB0", "/dev/ttyUSB0", 115200)]
    [InlineData("picocom /dev/serial/by-id/usb-FTDI-if00", "/dev/serial/by-id/usb-FTDI-if00", 115200)]
    [InlineData("picocom -b 9600 /tmp/lab/ttyS0", "/tmp/lab/ttyS0", 9600)]
    public void A_local_serial_line_must_be_opened_as_a_serial_console(string command, string device, int baud)
    {
        var parsed = ConnectionCommand.Parse(command);

        Assert.Equal((device, baud, (string?)null), (parsed.SerialDevice, parsed.SerialBaudRate, parsed.TelnetHost));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("telnet localhost 'x")]
    [InlineData("telnet localhost seven")]
    [InlineData("telnet localhost 70000")]
    [InlineData("picocom -b fast /dev/ttyUSB0")]
    [InlineData("picocom --imap lfcrlf /dev/ttyUSB0")]
    public void A_command_that_cannot_be_used_must_be_refused(string command) =>
        Assert.Throws<FormatException>(() => ConnectionCommand.Parse(command));
}
