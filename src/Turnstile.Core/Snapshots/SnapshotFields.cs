using System.Globalization;
using Turnstile.Core.Kube;

namespace Turnstile.Core.Snapshots;

/// <summary>A field of a snapshot document that is missing, of the wrong type or out of range; the message names the field.</summary>
internal sealed class SnapshotFormatException(string message) : Exception(message);

/// <summary>
/// Typed reads of one object of a snapshot document. Absent and <c>null</c> fields read as absent; a field of the
/// wrong type or out of range is a <see cref="SnapshotFormatException"/> naming its path (e.g.
/// <c>cluster.accessConfig.authenticationMode: expected a string, got a list</c>), never a silent default.
/// </summary>
internal sealed class SnapshotFields(KMap map, string path)
{
    /// <summary>The earliest and latest instants .NET can hold, in epoch seconds.</summary>
    private static readonly double MinEpochSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly double MaxEpochSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public KMap Map => map;

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    public SnapshotFormatException Error(string key, string reason) => new($"{PathOf(key)}: {reason}");

    private KNode? Value(string key) => map.Get(key) is { } node and not KScalar { Kind: ScalarKind.Null } ? node : null;

    public bool Has(string key) => Value(key) is not null;

    public string? String(string key) => Value(key) switch
    {
        null => null,
        KScalar { Kind: ScalarKind.String } s => s.Value,
        var other => throw Error(key, $"expected a string, got {other.Describe}"),
    };

    public string RequiredString(string key) => String(key) ?? throw Error(key, "missing required field");

    public bool? Bool(string key) => Value(key) switch
    {
        null => null,
        KScalar { Kind: ScalarKind.Bool } b => b.Value.ToLowerInvariant() is "true" or "y" or "yes" or "on",
        var other => throw Error(key, $"expected true or false, got {other.Describe}"),
    };

    public SnapshotFields? Object(string key) => Value(key) switch
    {
        null => null,
        KMap m => new SnapshotFields(m, PathOf(key)),
        var other => throw Error(key, $"expected an object, got {other.Describe}"),
    };

    /// <summary>The objects of a list field; an item that is not an object is an error naming its index.</summary>
    public IReadOnlyList<SnapshotFields> Objects(string key)
    {
        var items = Items(key);
        var result = new List<SnapshotFields>(items.Count);
        for (var i = 0; i < items.Count; i++)
            result.Add(items[i] is KMap m ? new SnapshotFields(m, $"{PathOf(key)}[{i}]") : throw Error($"{key}[{i}]", $"expected an object, got {items[i].Describe}"));
        return result;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var items = Items(key);
        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
            result.Add(items[i] is KScalar { Kind: ScalarKind.String } s ? s.Value : throw Error($"{key}[{i}]", $"expected a string, got {items[i].Describe}"));
        return result;
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Object(key) is not { } inner) return result;
        foreach (var (k, _) in inner.Map.Entries) result[k] = inner.RequiredString(k);
        return result;
    }

    /// <summary>
    /// A time as the AWS CLI prints it (ISO-8601) or as the raw API sends it (epoch seconds, possibly fractional);
    /// null when absent. Anything else, or a time outside the years 1-9999, is an error.
    /// </summary>
    public DateTimeOffset? Time(string key)
    {
        var node = Value(key);
        if (node is null) return null;
        if (node is not KScalar { Kind: ScalarKind.String or ScalarKind.Int or ScalarKind.Float } scalar)
            throw Error(key, $"expected a time (ISO-8601 text or epoch seconds), got {node.Describe}");
        var text = scalar.Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch))
        {
            if (!double.IsFinite(epoch) || epoch < MinEpochSeconds || epoch > MaxEpochSeconds)
                throw Error(key, $"{text} is out of range for a time in epoch seconds");
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(epoch * 1000));
        }
        if (scalar.Kind == ScalarKind.String &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        throw Error(key, $"'{text}' is not a time (ISO-8601 text or epoch seconds)");
    }

    private List<KNode> Items(string key) => Value(key) switch
    {
        null => [],
        KSeq s => s.Items,
        var other => throw Error(key, $"expected a list, got {other.Describe}"),
    };
}
