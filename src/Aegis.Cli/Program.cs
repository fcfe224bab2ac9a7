using Aegis.Cli;

return await AegisCommandLine.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
