namespace Turnstile.State;

/// <summary>Checks every backend applies to a transaction before it runs (as etcd refuses duplicate keys).</summary>
internal static class TxnValidation
{
    /// <exception cref="ArgumentException">When two operations write the same key, or a key lies under a DeletePrefix of the same transaction.</exception>
    public static void CheckDistinctKeys(TxnRequest request)
    {
        if (request.Operations.Count < 2) return;
        var keys = new HashSet<string>(StateKey.Comparer);
        var prefixes = new List<string>();
        foreach (var operation in request.Operations)
        {
            switch (operation)
            {
                case Put put when !keys.Add(put.Key):
                case Delete delete when !keys.Add(delete.Key):
                    throw new ArgumentException("duplicate key given in txn request: " + KeyOf(operation));
                case DeletePrefix range:
                    prefixes.Add(range.Prefix);
                    break;
            }
        }
        foreach (var prefix in prefixes)
            if (keys.FirstOrDefault(k => k.StartsWith(prefix, StringComparison.Ordinal)) is { } overlap)
                throw new ArgumentException($"key {overlap} lies under the deleted prefix {prefix} in the same txn request");
    }

    private static string KeyOf(Operation operation) => operation switch
    {
        Put put => put.Key,
        Delete delete => delete.Key,
        DeletePrefix range => range.Prefix,
        _ => "",
    };
}
