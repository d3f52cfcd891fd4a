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
        var parts = SplitTerms(selector);
        parts.Sort(StringComparer.Ordinal);
        var terms = new List<FieldSelectorTerm>();
        foreach (var part in parts)
        {
            if (part.Length == 0) continue;
            if (!SplitTerm(part, out var lhs, out var op, out var rhs)) return null;
            if (Unescape(rhs) is not { } value) return null;
            // A term with neither field nor value selects everything and is dropped.
            if (lhs.Length == 0 && value.Length == 0) continue;
            terms.Add(new FieldSelectorTerm(lhs, value, op != "!="));
        }
        return new FieldSelector(terms);
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

    private static string? Unescape(string s)
    {
        if (s.IndexOfAny(['\\', ',', '=']) < 0) return s;
        var sb = new StringBuilder(s.Length);
        var inSlash = false;
        foreach (var c in s)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '=')) return null;
                sb.Append(c);
                inSlash = false;
            }
            else if (c == '\\') inSlash = true;
            else if (c is ',' or '=') return null;
            else sb.Append(c);
        }
        return inSlash ? null : sb.ToString();
    }
}
