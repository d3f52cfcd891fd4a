using System.Net;

namespace Turnstile.Core.Iam.Policies;

/// <summary>
/// One compiled <c>operator: { key: values }</c> test. Semantics (IAM User Guide, condition operators and multi-valued keys):
/// <list type="bullet">
/// <item>several policy values are ORed;</item>
/// <item>a missing key makes the test false, except for negated operators (true), <c>…IfExists</c> (true),
/// <c>ForAllValues</c> (true, vacuously) and <c>Null</c> (which tests presence itself); <c>ForAnyValue</c> is false;</item>
/// <item>a negated operator is the negation of its positive form, so <c>StringNotEquals</c> with values A, B means "neither A nor B";</item>
/// <item>with a set qualifier each request value is tested on its own: <c>ForAnyValue</c> needs one to pass, <c>ForAllValues</c> all of them;
/// without one, a multi-valued key passes a positive operator when any value matches.</item>
/// </list>
/// </summary>
internal sealed class CompiledCondition
{
    private readonly ConditionOperator _op;
    private readonly bool _valid;
    private readonly PolicyTemplate[] _templates = [];
    private readonly string[]? _strings;
    private readonly WildcardPattern[]? _likes;
    private readonly ArnPattern[]? _arns;
    private readonly decimal?[] _numbers = [];
    private readonly DateTimeOffset?[] _dates = [];
    private readonly IpRange?[] _ranges = [];
    private readonly byte[]?[] _binaries = [];
    private readonly bool?[] _nulls = [];

    public ConditionEntry Entry { get; }
    public string Key => Entry.Key;

    public CompiledCondition(ConditionEntry entry, bool variablesEnabled)
    {
        Entry = entry;
        _valid = ConditionOperator.TryParse(entry.Operator, out _op);
        if (!_valid) return;
        var values = entry.Values;
        switch (_op.Family)
        {
            case ConditionFamily.String or ConditionFamily.Arn or ConditionFamily.Bool:
                _templates = values.Select(v => PolicyTemplate.Parse(v, variablesEnabled)).ToArray();
                if (_templates.Any(t => t.HasVariables)) break;
                if (_op.Family == ConditionFamily.Arn) _arns = values.Select(ArnPattern.Compile).ToArray();
                else if (IsLike) _likes = values.Select(v => WildcardPattern.Compile(v)).ToArray();
                else _strings = values.ToArray();
                break;
            case ConditionFamily.Numeric:
                _numbers = values.Select(v => PolicyValues.TryParseNumber(v, out var n) ? n : (decimal?)null).ToArray();
                break;
            case ConditionFamily.Date:
                _dates = values.Select(v => PolicyValues.TryParseDate(v, out var d) ? d : (DateTimeOffset?)null).ToArray();
                break;
            case ConditionFamily.Ip:
                _ranges = values.Select(v => PolicyValues.TryParseCidr(v, out var r) ? r : (IpRange?)null).ToArray();
                break;
            case ConditionFamily.Binary:
                _binaries = values.Select(TryBase64).ToArray();
                break;
            case ConditionFamily.Null:
                _nulls = values.Select(v => PolicyValues.TryParseBool(v, out var b) ? b : (bool?)null).ToArray();
                break;
        }
    }

    private bool IsLike => _op.Base is ConditionBase.StringLike or ConditionBase.StringNotLike;

    /// <summary>Evaluates against the request; reports a key the test needed but did not find.</summary>
    public bool Evaluate(IReadOnlyDictionary<string, ContextValue> keys, ref List<string>? missingKeys)
    {
        if (!_valid) return false;
        keys.TryGetValue(Key, out var context);
        var present = context is not null && context.Values.Count > 0;

        if (_op.Base == ConditionBase.Null)
        {
            foreach (var expected in _nulls)
            {
                if (expected is { } wantsAbsent && wantsAbsent != present) return true;
            }
            return false;
        }

        if (!present)
        {
            // An empty list-typed key is present-but-empty: ForAllValues holds vacuously, everything else sees no value.
            if (context is null && !_op.IfExists) (missingKeys ??= []).Add(Key);
            if (_op.IfExists || _op.Qualifier == SetQualifier.ForAllValues) return true;
            if (_op.Qualifier == SetQualifier.ForAnyValue) return false;
            return _op.IsNegated;
        }

        var values = context!.Values;
        var negated = _op.IsNegated;
        switch (_op.Qualifier)
        {
            case SetQualifier.ForAnyValue:
                foreach (var value in values)
                {
                    if (MatchesAny(value, keys) != negated) return true;
                }
                return false;
            case SetQualifier.ForAllValues:
                foreach (var value in values)
                {
                    if (MatchesAny(value, keys) == negated) return false;
                }
                return true;
            default:
                var any = false;
                foreach (var value in values)
                {
                    if (!MatchesAny(value, keys)) continue;
                    any = true;
                    break;
                }
                return any != negated;
        }
    }

    /// <summary>Does one request value match any policy value under the positive form of the operator?</summary>
    private bool MatchesAny(string value, IReadOnlyDictionary<string, ContextValue> keys)
    {
        switch (_op.Family)
        {
            case ConditionFamily.String:
                return MatchString(value, keys);
            case ConditionFamily.Arn:
                if (_arns is not null)
                {
                    foreach (var arn in _arns)
                    {
                        if (arn.IsMatch(value)) return true;
                    }
                    return false;
                }
                foreach (var template in _templates)
                {
                    var tokens = new List<GlobToken>();
                    if (template.TryResolveTokens(keys, tokens) && ArnPattern.FromTokens(tokens).IsMatch(value)) return true;
                }
                return false;
            case ConditionFamily.Bool:
                if (!PolicyValues.TryParseBool(value, out var actual)) return false;
                foreach (var template in _templates)
                {
                    if (template.TryResolveString(keys, out var text) && PolicyValues.TryParseBool(text, out var expected) && expected == actual) return true;
                }
                return false;
            case ConditionFamily.Numeric:
                if (!PolicyValues.TryParseNumber(value, out var number)) return false;
                foreach (var candidate in _numbers)
                {
                    if (candidate is { } n && Compare(number.CompareTo(n))) return true;
                }
                return false;
            case ConditionFamily.Date:
                if (!PolicyValues.TryParseDate(value, out var date)) return false;
                foreach (var candidate in _dates)
                {
                    if (candidate is { } d && Compare(date.CompareTo(d))) return true;
                }
                return false;
            case ConditionFamily.Ip:
                if (!IPAddress.TryParse(value, out var address)) return false;
                foreach (var range in _ranges)
                {
                    if (range is { } r && r.Contains(address)) return true;
                }
                return false;
            case ConditionFamily.Binary:
                var bytes = TryBase64(value);
                if (bytes is null) return false;
                foreach (var candidate in _binaries)
                {
                    if (candidate is not null && candidate.AsSpan().SequenceEqual(bytes)) return true;
                }
                return false;
            default:
                return false;
        }
    }

    private bool MatchString(string value, IReadOnlyDictionary<string, ContextValue> keys)
    {
        var comparison = _op.Base is ConditionBase.StringEqualsIgnoreCase or ConditionBase.StringNotEqualsIgnoreCase
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;
        if (_strings is not null)
        {
            foreach (var candidate in _strings)
            {
                if (string.Equals(value, candidate, comparison)) return true;
            }
            return false;
        }
        if (_likes is not null)
        {
            foreach (var like in _likes)
            {
                if (like.IsMatch(value)) return true;
            }
            return false;
        }
        foreach (var template in _templates)
        {
            if (IsLike)
            {
                var tokens = new List<GlobToken>();
                if (template.TryResolveTokens(keys, tokens) && WildcardPattern.FromTokens(tokens).IsMatch(value)) return true;
            }
            else if (template.TryResolveString(keys, out var text) && string.Equals(value, text, comparison))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Applies the comparison named by the operator to <c>request.CompareTo(policy)</c>.</summary>
    private bool Compare(int order) => _op.Base switch
    {
        ConditionBase.NumericEquals or ConditionBase.NumericNotEquals or ConditionBase.DateEquals or ConditionBase.DateNotEquals => order == 0,
        ConditionBase.NumericLessThan or ConditionBase.DateLessThan => order < 0,
        ConditionBase.NumericLessThanEquals or ConditionBase.DateLessThanEquals => order <= 0,
        ConditionBase.NumericGreaterThan or ConditionBase.DateGreaterThan => order > 0,
        ConditionBase.NumericGreaterThanEquals or ConditionBase.DateGreaterThanEquals => order >= 0,
        _ => false,
    };

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    public override string ToString() => $"{Entry.Operator}: {Key} = [{string.Join(", ", Entry.Values)}]";
}
