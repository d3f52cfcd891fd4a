using System.Text;

namespace Turnstile.Core.Kube;

/// <summary>One parsed field selector requirement: <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>.</summary>
public sealed record FieldSelectorTerm(string Field, string Value, bool IsEquality);

/// <summary>
/// A field selector parsed as apimachinery's <c>fields.ParseSelector</c> does: comma-separated terms (a backslash
/// escapes <c>\</c>, <c>,</c> and <c>=</c> in values), the operator is the first <c>!=</c>, <c>==</c> or <c>=</c>,
/// terms are sorted as raw strings, and an unescaped <c>,</c> or <c>=</c> inside a value is an error.
/// </summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldSelectorTerm> terms) => Terms = terms;

    public IReadOnlyList<FieldSelectorTerm> Terms { get; }

    /// <summary>Null when the selector does not parse.</summary>
    public static FieldSelector? TryParse(string selector)
    {
        try
        {
            return Parse(selector);
        }
        catch (FieldSelectorException)
        {
            return null;
        }
    }

    /// <exception cref="FieldSelectorException">With apimachinery's error text.</exception>
    public static FieldSelector Parse(string selector)
    {
        var parts = SplitTerms(selector);
        parts.Sort(StringComparer.Ordinal);
        var terms = new List<FieldSelectorTerm>();
        foreach (var part in parts)
        {
            if (part.Length == 0) continue;
            if (!SplitTerm(part, out var lhs, out var op, out var rhs))
                throw new FieldSelectorException($"invalid selector: '{selector}'; can't understand '{part}'");
            var value = Unescape(rhs);
            // A term with neither field nor value selects everything and is dropped.
            if (lhs.Length == 0 && value.Length == 0) continue;
            terms.Add(new FieldSelectorTerm(lhs, value, op != "!="));
        }
        return new FieldSelector(terms);
    }

    public bool IsEmpty => Terms.Count == 0;

    /// <summary>Whether every term holds for the object's field values (<paramref name="fieldValue"/> gives "" for a field it lacks).</summary>
    public bool Matches(Func<string, string> fieldValue)
    {
        foreach (var t in Terms)
            if (string.Equals(fieldValue(t.Field), t.Value, StringComparison.Ordinal) != t.IsEquality) return false;
        return true;
    }

    /// <summary>The value the selector pins <paramref name="field"/> to with an equality term, if any (first in sorted order).</summary>
    public string? RequiresExactMatch(string field)
    {
        foreach (var t in Terms)
            if (t.IsEquality && t.Field == field) return t.Value;
        return null;
    }

    private static List<string> SplitTerms(string selector)
    {
        var terms = new List<string>();
        if (selector.Length == 0) return terms;
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (inSlash) inSlash = false;
            else if (c == '\\') inSlash = true;
            else if (c == ',')
            {
                terms.Add(selector[start..i]);
                start = i + 1;
            }
        }
        terms.Add(selector[start..]);
        return terms;
    }

    private static readonly string[] Operators = ["!=", "==", "="];

    private static bool SplitTerm(string term, out string lhs, out string op, out string rhs)
    {
        for (var i = 0; i < term.Length; i++)
            foreach (var candidate in Operators)
                if (string.CompareOrdinal(term, i, candidate, 0, candidate.Length) == 0)
                {
                    lhs = term[..i];
                    op = candidate;
                    rhs = term[(i + candidate.Length)..];
                    return true;
                }
        lhs = op = rhs = "";
        return false;
    }

    private static string Unescape(string s)
    {
        if (s.IndexOfAny(['\\', ',', '=']) < 0) return s;
        var sb = new StringBuilder(s.Length);
        var inSlash = false;
        foreach (var c in s)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '=')) throw new FieldSelectorException("invalid field selector: invalid escape sequence: \\" + c);
                sb.Append(c);
                inSlash = false;
            }
            else if (c == '\\') inSlash = true;
            else if (c is ',' or '=') throw new FieldSelectorException("invalid field selector: unescaped character in value: " + (int)c);
            else sb.Append(c);
        }
        if (inSlash) throw new FieldSelectorException("invalid field selector: invalid escape sequence: \\");
        return sb.ToString();
    }
}

/// <summary>A field selector that does not parse; the message is apimachinery's.</summary>
public sealed class FieldSelectorException(string message) : Exception(message);
