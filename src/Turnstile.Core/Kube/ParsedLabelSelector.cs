using System.Globalization;

namespace Turnstile.Core.Kube;

/// <summary>A label selector operator, spelled as apimachinery's <c>selection.Operator</c>.</summary>
public enum LabelOperator
{
    Exists,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    GreaterThan,
    LessThan,
}

/// <summary>One requirement of a label selector; <see cref="Values"/> are sorted and distinct.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>apimachinery's <c>Requirement.Matches</c>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelOperator.In or LabelOperator.Equals or LabelOperator.DoubleEquals:
                return has && Values.Contains(value!, StringComparer.Ordinal);
            case LabelOperator.NotIn or LabelOperator.NotEquals:
                return !has || !Values.Contains(value!, StringComparer.Ordinal);
            case LabelOperator.Exists:
                return has;
            case LabelOperator.DoesNotExist:
                return !has;
            case LabelOperator.GreaterThan or LabelOperator.LessThan:
                if (!has || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)) return false;
                if (Values.Count != 1 || !long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)) return false;
                return Operator == LabelOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }
}

/// <summary>A label selector that does not parse; <see cref="Exception.Message"/> is apimachinery's error text.</summary>
public sealed class LabelSelectorException(string message) : Exception(message);

/// <summary>
/// A label selector parsed as apimachinery's <c>labels.Parse</c> does (its lexer, grammar, key and value validation
/// and error texts); requirements are sorted by key. The empty selector matches everything.
/// </summary>
public sealed class ParsedLabelSelector
{
    public static readonly ParsedLabelSelector Everything = new([]);

    private ParsedLabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in Requirements)
            if (!r.Matches(labels)) return false;
        return true;
    }

    /// <exception cref="LabelSelectorException">With the message kube-apiserver answers in its 400.</exception>
    public static ParsedLabelSelector Parse(string selector)
    {
        var parser = new Parser(Lexer.Scan(selector));
        var requirements = parser.Parse();
        return requirements.Count == 0 ? Everything : new ParsedLabelSelector(requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList());
    }

    public static bool TryParse(string selector, out ParsedLabelSelector? result, out string? error)
    {
        try
        {
            result = Parse(selector);
            error = null;
            return true;
        }
        catch (LabelSelectorException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    private enum Tok { Error, End, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan, NotEquals, NotIn, OpenPar }

    private readonly record struct Token(Tok Kind, string Literal);

    private static class Lexer
    {
        private static readonly Dictionary<string, Tok> Keywords = new(StringComparer.Ordinal)
        {
            [")"] = Tok.ClosedPar, [","] = Tok.Comma, ["!"] = Tok.DoesNotExist, ["=="] = Tok.DoubleEquals,
            ["="] = Tok.Equals, [">"] = Tok.GreaterThan, ["in"] = Tok.In, ["<"] = Tok.LessThan,
            ["!="] = Tok.NotEquals, ["notin"] = Tok.NotIn, ["("] = Tok.OpenPar,
        };

        public static List<Token> Scan(string s)
        {
            var tokens = new List<Token>();
            var pos = 0;
            while (true)
            {
                while (pos < s.Length && IsWhitespace(s[pos])) pos++;
                if (pos >= s.Length)
                {
                    tokens.Add(new(Tok.End, ""));
                    return tokens;
                }
                var start = pos;
                if (IsSpecial(s[pos]))
                {
                    // The longest run of symbols that still forms a known token.
                    var last = Tok.Error;
                    var lastEnd = pos;
                    while (pos < s.Length && IsSpecial(s[pos]))
                    {
                        pos++;
                        if (Keywords.TryGetValue(s[start..pos], out var k))
                        {
                            last = k;
                            lastEnd = pos;
                        }
                        else if (last != Tok.Error)
                        {
                            break;
                        }
                    }
                    if (last == Tok.Error)
                    {
                        tokens.Add(new(Tok.Error, $"error expected: keyword found '{s[start..pos]}'"));
                        continue;
                    }
                    pos = lastEnd;
                    tokens.Add(new(last, s[start..pos]));
                }
                else
                {
                    while (pos < s.Length && !IsSpecial(s[pos]) && !IsWhitespace(s[pos])) pos++;
                    var word = s[start..pos];
                    tokens.Add(new(Keywords.TryGetValue(word, out var k) ? k : Tok.Identifier, word));
                }
            }
        }

        private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

        private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';
    }

    private sealed class Parser(List<Token> tokens)
    {
        private const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";
        private int _position;

        // In value context the in/notin keywords read as identifiers.
        private static Token AsValue(Token t) => t.Kind is Tok.In or Tok.NotIn ? t with { Kind = Tok.Identifier } : t;

        private Token Lookahead(bool values) => values ? AsValue(tokens[_position]) : tokens[_position];

        private Token Consume(bool values) => values ? AsValue(tokens[_position++]) : tokens[_position++];

        public List<LabelRequirement> Parse()
        {
            var requirements = new List<LabelRequirement>();
            while (true)
            {
                var t = Lookahead(values: true);
                switch (t.Kind)
                {
                    case Tok.Identifier or Tok.DoesNotExist:
                        LabelRequirement r;
                        try
                        {
                            r = Requirement();
                        }
                        catch (LabelSelectorException e)
                        {
                            throw new LabelSelectorException("unable to parse requirement: " + e.Message);
                        }
                        requirements.Add(r);
                        var next = Consume(values: true);
                        switch (next.Kind)
                        {
                            case Tok.End:
                                return requirements;
                            case Tok.Comma:
                                var after = Lookahead(values: true);
                                if (after.Kind is not (Tok.Identifier or Tok.DoesNotExist))
                                    throw new LabelSelectorException($"found '{after.Literal}', expected: identifier after ','");
                                break;
                            default:
                                throw new LabelSelectorException($"found '{next.Literal}', expected: ',' or 'end of string'");
                        }
                        break;
                    case Tok.End:
                        return requirements;
                    default:
                        throw new LabelSelectorException($"found '{t.Literal}', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private LabelRequirement Requirement()
        {
            var op = LabelOperator.Equals;
            var unary = false;
            var t = Consume(values: true);
            if (t.Kind == Tok.DoesNotExist)
            {
                op = LabelOperator.DoesNotExist;
                unary = true;
                t = Consume(values: true);
            }
            if (t.Kind != Tok.Identifier) throw new LabelSelectorException($"found '{t.Literal}', expected: identifier");
            var key = t.Literal;
            if (NameValidation.QualifiedName(key) is { Count: > 0 } keyErrors)
                throw new LabelSelectorException(FieldError.Invalid("<nil>", key, string.Join("; ", keyErrors)).ToString());
            // "!key" is complete; whatever follows is the caller's to reject.
            if (unary) return Build(key, LabelOperator.DoesNotExist, []);
            if (Lookahead(values: true).Kind is Tok.End or Tok.Comma) return Build(key, LabelOperator.Exists, []);
            op = Operator();
            var values = op is LabelOperator.In or LabelOperator.NotIn ? SetValues() : ExactValue();
            return Build(key, op, values);
        }

        private LabelOperator Operator()
        {
            var t = Consume(values: false);
            return t.Kind switch
            {
                Tok.In => LabelOperator.In,
                Tok.Equals => LabelOperator.Equals,
                Tok.DoubleEquals => LabelOperator.DoubleEquals,
                Tok.GreaterThan => LabelOperator.GreaterThan,
                Tok.LessThan => LabelOperator.LessThan,
                Tok.NotIn => LabelOperator.NotIn,
                Tok.NotEquals => LabelOperator.NotEquals,
                _ => throw new LabelSelectorException($"found '{t.Literal}', expected: {BinaryOperators}"),
            };
        }

        private SortedSet<string> SetValues()
        {
            var t = Consume(values: true);
            if (t.Kind != Tok.OpenPar) throw new LabelSelectorException($"found '{t.Literal}' expected: '('");
            var first = Lookahead(values: true);
            switch (first.Kind)
            {
                case Tok.Identifier or Tok.Comma:
                    var set = IdentifierList();
                    if (Consume(values: true).Kind != Tok.ClosedPar)
                        throw new LabelSelectorException($"found '{first.Literal}', expected: ')'");
                    return set;
                case Tok.ClosedPar:
                    Consume(values: true);
                    return new SortedSet<string>(StringComparer.Ordinal) { "" };
                default:
                    throw new LabelSelectorException($"found '{first.Literal}', expected: ',', ')' or identifier");
            }
        }

        private SortedSet<string> IdentifierList()
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var t = Consume(values: true);
                switch (t.Kind)
                {
                    case Tok.Identifier:
                        set.Add(t.Literal);
                        var after = Lookahead(values: true);
                        if (after.Kind == Tok.Comma) continue;
                        if (after.Kind == Tok.ClosedPar) return set;
                        throw new LabelSelectorException($"found '{after.Literal}', expected: ',' or ')'");
                    case Tok.Comma:
                        if (set.Count == 0) set.Add("");
                        var next = Lookahead(values: true);
                        if (next.Kind == Tok.ClosedPar)
                        {
                            set.Add("");
                            return set;
                        }
                        if (next.Kind == Tok.Comma)
                        {
                            Consume(values: true);
                            set.Add("");
                        }
                        break;
                    default:
                        throw new LabelSelectorException($"found '{t.Literal}', expected: ',', or identifier");
                }
            }
        }

        private SortedSet<string> ExactValue()
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            if (Lookahead(values: true).Kind is Tok.End or Tok.Comma)
            {
                set.Add("");
                return set;
            }
            var t = Consume(values: true);
            if (t.Kind != Tok.Identifier) throw new LabelSelectorException($"found '{t.Literal}', expected: identifier");
            set.Add(t.Literal);
            return set;
        }

        // apimachinery's NewRequirement checks, in its order; several problems read as an aggregate "[a, b]".
        private static LabelRequirement Build(string key, LabelOperator op, IEnumerable<string> valueSet)
        {
            var values = valueSet.ToList();
            var errors = new List<FieldError>();
            switch (op)
            {
                case LabelOperator.In or LabelOperator.NotIn when values.Count == 0:
                    errors.Add(FieldError.Invalid("values", values, "for 'in', 'notin' operators, values set can't be empty"));
                    break;
                case LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.NotEquals when values.Count != 1:
                    errors.Add(FieldError.Invalid("values", values, "exact-match compatibility requires one single value"));
                    break;
                case LabelOperator.GreaterThan or LabelOperator.LessThan:
                    if (values.Count != 1) errors.Add(FieldError.Invalid("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"));
                    for (var i = 0; i < values.Count; i++)
                        if (!long.TryParse(values[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                            errors.Add(FieldError.Invalid($"values[{i}]", values[i], "for 'Gt', 'Lt' operators, the value must be an integer"));
                    break;
            }
            for (var i = 0; i < values.Count; i++)
                if (NameValidation.LabelValue(values[i]) is { Count: > 0 } valueErrors)
                    errors.Add(FieldError.Invalid($"values[{i}][{key}]", values[i], string.Join("; ", valueErrors)));
            if (errors.Count > 0)
            {
                var messages = errors.Select(e => e.ToString()).Distinct(StringComparer.Ordinal).ToList();
                throw new LabelSelectorException(messages.Count == 1 ? messages[0] : "[" + string.Join(", ", messages) + "]");
            }
            return new LabelRequirement(key, op, values);
        }
    }
}
