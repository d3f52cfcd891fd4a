using BenchmarkDotNet.Running;
using Turnstile.Benchmarks;

// `create-user-load` is a load run (a throughput comparison, not a microbenchmark); everything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == CreateUserLoad.Command) return await CreateUserLoad.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
