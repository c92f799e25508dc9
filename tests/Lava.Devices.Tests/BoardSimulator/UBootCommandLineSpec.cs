using Lava.Devices.BoardSimulator;
using Xunit;

namespace Lava.Devices.Tests.BoardSimulator;

/// <summary>How the simulated U-Boot splits what LAVA types: commands, quotes and variables.</summary>
public sealed class UBootCommandLineSpec
{
    private static readonly Dictionary<string, string> Env = new() { ["kernel_addr_r"] = "0x80000000", ["fdt"] = "0x83000000" };

    [Theory]
    [InlineData("booti ${kernel_addr_r} - $fdt", "booti|0x80000000|-|0x83000000")]
    [InlineData("setenv loadk 'tftp ${kernel_addr_r} zImage'", "setenv|loadk|tftp ${kernel_addr_r} zImage")]
    [InlineData("setenv bootargs \"console=ttyS0 ip=${fdt}\"", "setenv|bootargs|console=ttyS0 ip=0x83000000")]
    [InlineData("echo $unset x", "echo||x")]
    [InlineData("  echo   a\tb  ", "echo|a|b")]
    public void One_command_must_split_into_its_words(string line, string words)
    {
        var command = Assert.Single(UBootCommandLine.Parse(line, Env));

        Assert.Equal(words, string.Join('|', command));
    }

    [Fact]
    public void Semicolons_outside_quotes_must_separate_commands_and_empty_ones_be_dropped()
    {
        var commands = UBootCommandLine.Parse("setenv a 'x; y'; ; printenv a;", Env);

        Assert.Equal(["setenv|a|x; y", "printenv|a"], commands.Select(c => string.Join('|', c)));
    }
}
