using System.CommandLine.Invocation;
using Lava.Cli;

var parse = LavaCli.CreateRootCommand().Parse(args);
var exitCode = await parse.InvokeAsync();
// System.CommandLine reports usage errors with 1; Lava keeps 1 for API errors and uses 2 for usage.
return parse.Action is ParseErrorAction ? LavaCli.ExitInvalidInput : exitCode;
