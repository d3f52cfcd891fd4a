using CsCheck;

namespace Turnstile.Fuzzing;

/// <summary>
/// How long each fuzz property runs. In CI (and by default) a fixed number of cases chosen to keep every fuzz test
/// within a few seconds; locally, <c>TURNSTILE_FUZZ_SCALE=N</c> multiplies the cases and <c>TURNSTILE_FUZZ_SECONDS=S</c>
/// runs each property for S seconds instead. A failure prints CsCheck's seed; <c>CsCheck_Seed=SEED</c> replays it.
/// </summary>
public static class FuzzBudget
{
    public const string ScaleVariable = "TURNSTILE_FUZZ_SCALE";
    public const string SecondsVariable = "TURNSTILE_FUZZ_SECONDS";

    private static int Variable(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : 0;

    /// <summary>Runs <paramref name="property"/> on <paramref name="cases"/> samples (scaled), or for the configured seconds.</summary>
    public static void Run<T>(Gen<T> gen, Action<T> property, long cases, int threads = -1, Func<T, string>? print = null)
    {
        var seconds = Variable(SecondsVariable);
        var scale = Math.Max(1, Variable(ScaleVariable));
        if (seconds > 0) gen.Sample(property, time: seconds, threads: threads, print: print);
        else gen.Sample(property, iter: cases * scale, threads: threads, print: print);
    }
}
