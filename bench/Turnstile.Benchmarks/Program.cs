using BenchmarkDotNet.Running;
using Turnstile.Benchmarks;

// `create-user-load` and `kube-watch-load` are load runs (not microbenchmarks); everything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == CreateUserLoad.Command) return await CreateUserLoad.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == KubeWatchLoad.Command) return await KubeWatchLoad.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
