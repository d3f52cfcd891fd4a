using System.Text;

namespace Turnstile.Core.Iam.Policies;

/// <summary>
/// Policy text that may hold variables: <c>${aws:username}</c>, <c>${aws:PrincipalTag/team, 'none'}</c> (with a default),
/// and the escapes <c>${*}</c>, <c>${?}</c>, <c>${$}</c> for literal characters. A variable whose key is absent
/// (and has no default) or has several values makes the text unresolvable, which matches nothing.
/// </summary>
public sealed class PolicyTemplate
{
    private abstract record Part;
    private sealed record TextPart(string Text) : Part;
    private sealed record LiteralPart(string Text) : Part;
    private sealed record VariablePart(string Key, string? Default) : Part;

    private readonly Part[] _parts;

    public string Source { get; }
    public bool HasVariables { get; }

    private PolicyTemplate(string source, Part[] parts)
    {
        Source = source;
        _parts = parts;
        HasVariables = parts.Any(p => p is not TextPart);
    }

    public static PolicyTemplate Parse(string text, bool variablesEnabled)
    {
        if (!variablesEnabled || !text.Contains("${", StringComparison.Ordinal)) return new PolicyTemplate(text, [new TextPart(text)]);
        var parts = new List<Part>();
        var pending = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("${", i, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf('}', open + 2);
            if (open < 0 || close < 0)
            {
                pending.Append(text, i, text.Length - i);
                break;
            }
            pending.Append(text, i, open - i);
            var body = text[(open + 2)..close];
            if (body is "*" or "?" or "$")
            {
                Flush();
                parts.Add(new LiteralPart(body));
            }
            else if (TryParseVariable(body, out var variable))
            {
                Flush();
                parts.Add(variable);
            }
            else
            {
                pending.Append(text, open, close - open + 1);
            }
            i = close + 1;
        }
        Flush();
        return new PolicyTemplate(text, parts.ToArray());

        void Flush()
        {
            if (pending.Length == 0) return;
            parts.Add(new TextPart(pending.ToString()));
            pending.Clear();
        }
    }

    /// <summary>Appends wildcard tokens: <c>*</c>/<c>?</c> in the policy text are wildcards, substituted text is literal.</summary>
    public bool TryResolveTokens(IReadOnlyDictionary<string, ContextValue> keys, List<GlobToken> into)
    {
        foreach (var part in _parts)
        {
            switch (part)
            {
                case TextPart text:
                    into.AddRange(GlobToken.Parse(text.Text));
                    break;
                case LiteralPart literal:
                    into.Add(new GlobToken(GlobTokenKind.Literal, literal.Text));
                    break;
                case VariablePart variable:
                    if (!TryValue(variable, keys, out var value)) return false;
                    into.Add(new GlobToken(GlobTokenKind.Literal, value));
                    break;
            }
        }
        return true;
    }

    public bool TryResolveString(IReadOnlyDictionary<string, ContextValue> keys, out string value)
    {
        if (!HasVariables)
        {
            value = Source;
            return true;
        }
        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            switch (part)
            {
                case TextPart text:
                    builder.Append(text.Text);
                    break;
                case LiteralPart literal:
                    builder.Append(literal.Text);
                    break;
                case VariablePart variable:
                    if (!TryValue(variable, keys, out var resolved))
                    {
                        value = "";
                        return false;
                    }
                    builder.Append(resolved);
                    break;
            }
        }
        value = builder.ToString();
        return true;
    }

    /// <summary>The context keys this text refers to (for reporting missing context values).</summary>
    public IEnumerable<string> VariableKeys => _parts.OfType<VariablePart>().Select(v => v.Key);

    public override string ToString() => Source;

    private static bool TryValue(VariablePart variable, IReadOnlyDictionary<string, ContextValue> keys, out string value)
    {
        if (keys.TryGetValue(variable.Key, out var context) && !context.IsMultiValued && context.Values.Count == 1)
        {
            value = context.Values[0];
            return true;
        }
        value = variable.Default ?? "";
        return variable.Default is not null;
    }

    private static bool TryParseVariable(string body, out VariablePart variable)
    {
        variable = null!;
        string key;
        string? fallback = null;
        var comma = body.IndexOf(',');
        if (comma < 0)
        {
            key = body.Trim();
        }
        else
        {
            key = body[..comma].Trim();
            var rest = body[(comma + 1)..].Trim();
            if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'') return false;
            fallback = rest[1..^1];
        }
        if (key.Length == 0 || key.Any(char.IsWhiteSpace)) return false;
        variable = new VariablePart(key, fallback);
        return true;
    }
}
