namespace Turnstile.Core.Iam.Policies;

public enum GlobTokenKind
{
    /// <summary>Text matched as is (including any <c>*</c>/<c>?</c> that came from a policy variable's value).</summary>
    Literal,

    /// <summary><c>?</c>: exactly one character.</summary>
    AnyChar,

    /// <summary><c>*</c>: any run of characters, possibly empty.</summary>
    AnyRun,
}

public readonly record struct GlobToken(GlobTokenKind Kind, string Text = "")
{
    public static GlobToken AnyChar { get; } = new(GlobTokenKind.AnyChar);
    public static GlobToken AnyRun { get; } = new(GlobTokenKind.AnyRun);

    /// <summary>Splits IAM wildcard text: <c>*</c> and <c>?</c> are wildcards, everything else is literal.</summary>
    public static List<GlobToken> Parse(string pattern)
    {
        var tokens = new List<GlobToken>();
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] is not ('*' or '?')) continue;
            if (i > start) tokens.Add(new GlobToken(GlobTokenKind.Literal, pattern[start..i]));
            tokens.Add(pattern[i] == '*' ? AnyRun : AnyChar);
            start = i + 1;
        }
        if (start < pattern.Length) tokens.Add(new GlobToken(GlobTokenKind.Literal, pattern[start..]));
        return tokens;
    }
}

/// <summary>
/// A compiled IAM wildcard (<c>*</c>, <c>?</c>) pattern. The common shapes (exact, prefix, suffix, contains,
/// match-all) are recognised at compile time; the rest use a single-backtrack glob walk, which is linear in practice.
/// </summary>
public sealed class WildcardPattern
{
    private enum Shape
    {
        MatchAll,
        Exact,
        Prefix,
        Suffix,
        Contains,
        General,
    }

    private readonly Shape _shape;
    private readonly string _text = "";
    private readonly GlobToken[] _tokens = [];
    private readonly StringComparison _comparison;

    public bool IgnoreCase { get; }
    public bool HasWildcards => _shape != Shape.Exact;

    /// <summary>The text this pattern was compiled from (variables already substituted).</summary>
    public string Source { get; }

    private WildcardPattern(IReadOnlyList<GlobToken> tokens, bool ignoreCase)
    {
        IgnoreCase = ignoreCase;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var normalized = Normalize(tokens);
        Source = string.Concat(normalized.Select(t => t.Kind switch
        {
            GlobTokenKind.AnyRun => "*",
            GlobTokenKind.AnyChar => "?",
            _ => t.Text,
        }));
        switch (normalized)
        {
            case []:
                _shape = Shape.Exact;
                break;
            case [{ Kind: GlobTokenKind.AnyRun }]:
                _shape = Shape.MatchAll;
                break;
            case [{ Kind: GlobTokenKind.Literal } only]:
                _shape = Shape.Exact;
                _text = only.Text;
                break;
            case [{ Kind: GlobTokenKind.Literal } head, { Kind: GlobTokenKind.AnyRun }]:
                _shape = Shape.Prefix;
                _text = head.Text;
                break;
            case [{ Kind: GlobTokenKind.AnyRun }, { Kind: GlobTokenKind.Literal } tail]:
                _shape = Shape.Suffix;
                _text = tail.Text;
                break;
            case [{ Kind: GlobTokenKind.AnyRun }, { Kind: GlobTokenKind.Literal } middle, { Kind: GlobTokenKind.AnyRun }]:
                _shape = Shape.Contains;
                _text = middle.Text;
                break;
            default:
                _shape = Shape.General;
                _tokens = normalized.ToArray();
                break;
        }
    }

    public static WildcardPattern Compile(string pattern, bool ignoreCase = false) => new(GlobToken.Parse(pattern), ignoreCase);

    public static WildcardPattern FromTokens(IReadOnlyList<GlobToken> tokens, bool ignoreCase = false) => new(tokens, ignoreCase);

    public static WildcardPattern Literal(string text, bool ignoreCase = false) =>
        new(text.Length == 0 ? [] : [new GlobToken(GlobTokenKind.Literal, text)], ignoreCase);

    public bool IsMatch(string input) => IsMatch(input.AsSpan());

    public bool IsMatch(ReadOnlySpan<char> input) => _shape switch
    {
        Shape.MatchAll => true,
        Shape.Exact => input.Equals(_text, _comparison),
        Shape.Prefix => input.StartsWith(_text, _comparison),
        Shape.Suffix => input.EndsWith(_text, _comparison),
        Shape.Contains => input.IndexOf(_text, _comparison) >= 0,
        _ => GlobMatch(input),
    };

    public override string ToString() => Source;

    // Backtracking to the most recent '*' only is sufficient: a later star can absorb anything an earlier one could.
    private bool GlobMatch(ReadOnlySpan<char> input)
    {
        var tokens = _tokens;
        int ti = 0, si = 0, starTi = -1, starSi = 0;
        while (true)
        {
            if (ti < tokens.Length)
            {
                var token = tokens[ti];
                switch (token.Kind)
                {
                    case GlobTokenKind.AnyRun:
                        starTi = ti++;
                        starSi = si;
                        continue;
                    case GlobTokenKind.AnyChar when si < input.Length:
                        si++;
                        ti++;
                        continue;
                    case GlobTokenKind.Literal when input[si..].StartsWith(token.Text, _comparison):
                        si += token.Text.Length;
                        ti++;
                        continue;
                }
            }
            else if (si == input.Length)
            {
                return true;
            }
            if (starTi < 0 || starSi >= input.Length) return false;
            si = ++starSi;
            ti = starTi + 1;
        }
    }

    private static List<GlobToken> Normalize(IReadOnlyList<GlobToken> tokens)
    {
        var result = new List<GlobToken>(tokens.Count);
        foreach (var token in tokens)
        {
            if (token.Kind == GlobTokenKind.Literal)
            {
                if (token.Text.Length == 0) continue;
                if (result.Count > 0 && result[^1].Kind == GlobTokenKind.Literal)
                {
                    result[^1] = new GlobToken(GlobTokenKind.Literal, result[^1].Text + token.Text);
                    continue;
                }
            }
            else if (token.Kind == GlobTokenKind.AnyRun && result.Count > 0 && result[^1].Kind == GlobTokenKind.AnyRun)
            {
                continue;
            }
            result.Add(token);
        }
        return result;
    }
}
