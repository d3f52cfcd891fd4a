namespace Turnstile.Storage.Tests;

/// <summary>
/// The test assembly doubles as the child process of the crash tests: <c>dotnet Turnstile.Storage.Tests.dll
/// sqlite-writer PATH WRITERS</c> (see <see cref="Sqlite.CrashWriter"/>). The test runner never calls this.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => args is ["sqlite-writer", var path, var writers]
        ? Sqlite.CrashWriter.RunAsync(path, int.Parse(writers))
        : Task.FromResult(Usage());

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Turnstile.Storage.Tests sqlite-writer PATH WRITERS");
        return 2;
    }
}
