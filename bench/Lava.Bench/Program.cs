using Lava.Bench;

return await BenchRunner.RunAsync(args);
