namespace Turnstile.Core.Kube;

/// <summary>
/// A format-neutral tree of one parsed YAML or JSON document. Objects are decoded from this tree so that
/// YAML and JSON input share one set of field rules. <see cref="Line"/> is 1-based, 0 when unknown (JSON).
/// </summary>
internal abstract class KNode
{
    public int Line { get; init; }

    public abstract string Describe { get; }
}

internal sealed class KMap : KNode
{
    public List<KeyValuePair<string, KNode>> Entries { get; } = [];

    public override string Describe => "an object";

    public KNode? Get(string key)
    {
        foreach (var (k, v) in Entries)
            if (k == key) return v;
        return null;
    }
}

internal sealed class KSeq : KNode
{
    public List<KNode> Items { get; } = [];

    public override string Describe => "a list";
}

internal enum ScalarKind { Null, String, Bool, Int, Float }

internal sealed class KScalar : KNode
{
    public required string Value { get; init; }
    public required ScalarKind Kind { get; init; }

    public override string Describe => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.String => "a string",
        ScalarKind.Bool => $"a boolean ({Value})",
        ScalarKind.Int => $"a number ({Value})",
        _ => $"a number ({Value})",
    };
}
