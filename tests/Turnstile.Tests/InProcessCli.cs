using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Turnstile.Tests;

/// <summary>
/// Runs the <c>turnstile</c> entry point inside the test process, with stdout and stderr captured: thousands of runs
/// cost what one process start does. Runs are serialized because the console is process-wide. An exception escaping
/// the entry point is rethrown as is: it is exactly what a user would have seen as a crash.
/// </summary>
public static class InProcessCli
{
    private static readonly object Gate = new();
    private static readonly MethodInfo EntryPoint = typeof(Turnstile.Cli.Commands.CommandLineRunner).Assembly.EntryPoint
        ?? throw new InvalidOperationException("the turnstile assembly has no entry point");

    public static TurnstileCli.Result Run(params string[] args)
    {
        lock (Gate)
        {
            var (stdout, stderr) = (Console.Out, Console.Error);
            var output = new StringWriter();
            var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                var code = (int)EntryPoint.Invoke(null, [args])!;
                return new TurnstileCli.Result(code, output.ToString(), error.ToString());
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        }
    }
}
