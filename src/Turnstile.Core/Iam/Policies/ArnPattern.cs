namespace Turnstile.Core.Iam.Policies;

/// <summary>
/// ARN matching as IAM does it for Resource elements and the ArnLike/ArnEquals operators: the six
/// colon-separated parts (<c>arn:partition:service:region:account:resource</c>) are compared one by one,
/// case-sensitively, so a wildcard never spans a colon in the first five; the resource part keeps any further colons.
/// A pattern that does not start with <c>arn:</c> (e.g. <c>*</c>) is matched against the whole string; one that does
/// but has fewer than six parts matches nothing.
/// </summary>
public sealed class ArnPattern
{
    private const int Parts = 6;

    private readonly WildcardPattern[]? _segments;
    private readonly WildcardPattern? _whole;

    public string Source { get; }
    public bool MatchesEverything => _whole is { HasWildcards: true } w && w.Source == "*";

    private ArnPattern(string source, WildcardPattern[]? segments, WildcardPattern? whole)
    {
        Source = source;
        _segments = segments;
        _whole = whole;
    }

    public static ArnPattern Compile(string pattern) => FromTokens(GlobToken.Parse(pattern));

    /// <summary>Builds from tokens so that text substituted from policy variables stays literal; colons still split parts.</summary>
    public static ArnPattern FromTokens(IReadOnlyList<GlobToken> tokens)
    {
        var segments = new List<List<GlobToken>> { new() };
        foreach (var token in tokens)
        {
            if (token.Kind != GlobTokenKind.Literal || segments.Count == Parts)
            {
                segments[^1].Add(token);
                continue;
            }
            var text = token.Text;
            var start = 0;
            for (var i = 0; i < text.Length && segments.Count < Parts; i++)
            {
                if (text[i] != ':') continue;
                if (i > start) segments[^1].Add(new GlobToken(GlobTokenKind.Literal, text[start..i]));
                segments.Add([]);
                start = i + 1;
            }
            if (start < text.Length) segments[^1].Add(new GlobToken(GlobTokenKind.Literal, text[start..]));
        }

        var whole = WildcardPattern.FromTokens(tokens);
        if (segments.Count < Parts)
        {
            var arnShaped = whole.Source.StartsWith("arn:", StringComparison.Ordinal);
            return new ArnPattern(whole.Source, null, arnShaped ? null : whole);
        }
        var compiled = segments.Select(s => WildcardPattern.FromTokens(s)).ToArray();
        return new ArnPattern(whole.Source, compiled, null);
    }

    public bool IsMatch(string value)
    {
        if (_whole is not null) return _whole.IsMatch(value);
        if (_segments is not { } segments) return false;
        var span = value.AsSpan();
        for (var i = 0; i < Parts - 1; i++)
        {
            var colon = span.IndexOf(':');
            if (colon < 0) return false;
            if (!segments[i].IsMatch(span[..colon])) return false;
            span = span[(colon + 1)..];
        }
        return segments[Parts - 1].IsMatch(span);
    }

    public override string ToString() => Source;
}
