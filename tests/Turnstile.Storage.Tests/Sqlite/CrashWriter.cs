using Turnstile.State;
using Turnstile.Storage.Sqlite;
using static Turnstile.Storage.Tests.Conformance.StoreTestSupport;

namespace Turnstile.Storage.Tests.Sqlite;

/// <summary>
/// The child process of <see cref="SqliteCrashTests"/>: writers that each create keys <c>/crash/W/I</c> in order
/// and, in the same transaction, set <c>/crash/last/W</c> to I; each acknowledged commit is printed as
/// <c>ack W I REVISION</c> only after the store returned. Runs until killed.
/// </summary>
public static class CrashWriter
{
    public static async Task<int> RunAsync(string path, int writers)
    {
        var store = SqliteStore.Open(path);
        var output = Console.Out;
        Console.WriteLine("ready");
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                var key = $"/crash/{w}/{i:D6}";
                var result = await store.TxnAsync(new TxnRequest([new KeyAbsent(key)],
                    [new Put(key, Bytes($"{w}:{i}")), new Put($"/crash/last/{w}", Bytes(i.ToString()))]));
                if (!result.Succeeded) throw new InvalidOperationException("a fresh key existed: " + key);
                lock (output) output.WriteLine($"ack {w} {i} {result.Revision}");
            }
        })));
        return 0;
    }
}
