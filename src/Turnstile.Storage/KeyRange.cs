using Turnstile.State;

namespace Turnstile.Storage;

/// <summary>
/// The keys under a prefix (after a key, for a continued list) as an SQL condition both backends understand, with
/// bounds an index serves: <c>key &gt;= prefix AND key &lt; end</c>, where end is the prefix with its last character
/// raised by one (key order is UTF-8 byte order in both databases, and raising a character keeps that order).
/// </summary>
internal sealed class KeyRange
{
    private readonly string? _end;
    private readonly bool _endIsExact;

    public KeyRange(string prefix, string? after = null)
    {
        Prefix = prefix;
        After = after;
        // Characters from U+D7FF up cannot be raised simply; the bound then comes from an earlier character and
        // the prefix test completes it.
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] >= 0xD7FF) continue;
            _end = string.Concat(prefix.AsSpan(0, i), [(char)(prefix[i] + 1)]);
            _endIsExact = i == prefix.Length - 1;
            break;
        }
    }

    public string Prefix { get; }

    public string? After { get; }

    /// <summary>The condition on <paramref name="column"/>, with the parameters <see cref="Parameters"/> names.</summary>
    public string Condition(string column = "key")
    {
        var parts = new List<string>(3);
        if (After is not null) parts.Add($"{column} > @after");
        else if (Prefix.Length > 0) parts.Add($"{column} >= @prefix");
        if (_end is not null) parts.Add($"{column} < @end");
        if (Prefix.Length > 0 && !_endIsExact) parts.Add($"substr({column}, 1, length(@prefix)) = @prefix");
        return parts.Count == 0 ? "1 = 1" : string.Join(" AND ", parts);
    }

    /// <summary>The parameter values <see cref="Condition"/> refers to.</summary>
    public IEnumerable<(string Name, string Value)> Parameters()
    {
        if (Prefix.Length > 0 && (After is null || !_endIsExact)) yield return ("prefix", Prefix);
        if (After is not null) yield return ("after", After);
        if (_end is not null) yield return ("end", _end);
    }
}
