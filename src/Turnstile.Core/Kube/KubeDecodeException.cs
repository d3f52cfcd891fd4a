namespace Turnstile.Core.Kube;

/// <summary>
/// A text could not be decoded into Kubernetes objects. The message names the document (1-based), the list item
/// when the object sat in a List, the line when known, the field path and the reason, e.g.
/// <c>document 2, items[0] (line 14): rules[0].verbs: expected a list, got a string</c>.
/// </summary>
public sealed class KubeDecodeException : FormatException
{
    public KubeDecodeException(int documentNumber, int? itemIndex, int line, string field, string reason)
        : base(Format(documentNumber, itemIndex, line, field, reason))
    {
        DocumentNumber = documentNumber;
        ItemIndex = itemIndex;
        Line = line;
        Field = field;
        Reason = reason;
    }

    public int DocumentNumber { get; }
    public int? ItemIndex { get; }

    /// <summary>1-based line of the offending node; 0 when unknown (JSON input).</summary>
    public int Line { get; }

    /// <summary>Field path inside the object, empty when the error concerns the document as a whole.</summary>
    public string Field { get; }

    public string Reason { get; }

    private static string Format(int documentNumber, int? itemIndex, int line, string field, string reason)
    {
        var where = $"document {documentNumber}";
        if (itemIndex is { } i) where += $", items[{i}]";
        if (line > 0) where += $" (line {line})";
        return field.Length > 0 ? $"{where}: {field}: {reason}" : $"{where}: {reason}";
    }
}
