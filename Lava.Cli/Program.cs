using Lava.Cli;

return await LavaCli.CreateRootCommand().Parse(args).InvokeAsync();
