
namespace Turnstile.Core.Kube;

/// <summary>
/// Checks whether a label selector string parses under apimachinery's <c>labels.Parse</c> (syntax plus label key and
/// value validation). Only validity matters here: the API server's request parsing gives up on every list option,
/// including a <c>metadata.name</c> field selector, when the label selector is bad.
/// </summary>
public static class LabelSelectorSyntax
{
    private enum Tok { Error, End, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan, NotEquals, NotIn, OpenPar }

    private static readonly Dictionary<string, Tok> Keywords = new(StringComparer.Ordinal)
    {
        [")"] = Tok.ClosedPar, [","] = Tok.Comma, ["!"] = Tok.DoesNotExist, ["=="] = Tok.DoubleEquals,
        ["="] = Tok.Equals, [">"] = Tok.GreaterThan, ["in"] = Tok.In, ["<"] = Tok.LessThan,
        ["!="] = Tok.NotEquals, ["notin"] = Tok.NotIn, ["("] = Tok.OpenPar,
    };

    public static bool IsValid(string selector)
    {
        var tokens = Lex(selector);
        var p = 0;

        // In value context the in/notin keywords read as identifiers.
        Tok Peek() => AsValue(tokens[p]);
        Tok Next() => AsValue(tokens[p++]);

        while (true)
        {
            switch (Peek())
            {
                case Tok.End:
                    return true;
                case Tok.Identifier or Tok.DoesNotExist:
                    if (!Requirement()) return false;
                    switch (Next())
                    {
                        case Tok.End:
                            return true;
                        case Tok.Comma:
                            if (Peek() is not (Tok.Identifier or Tok.DoesNotExist)) return false;
                            break;
                        default:
                            return false;
                    }
                    break;
                default:
                    return false;
            }
        }

        bool Requirement()
        {
            var tok = Next();
            var negated = tok == Tok.DoesNotExist;
            if (negated) tok = Next();
            if (tok != Tok.Identifier) return false;
            if (!IsQualifiedName(tokens[p - 1].Literal)) return false;
            if (Peek() is Tok.End or Tok.Comma) return true;
            if (negated) return false; // "!key" followed by an operator
            var op = tokens[p++].Kind;
            switch (op)
            {
                case Tok.In or Tok.NotIn:
                    return Values();
                case Tok.Equals or Tok.DoubleEquals or Tok.NotEquals:
                    return ExactValue(integer: false);
                case Tok.GreaterThan or Tok.LessThan:
                    return ExactValue(integer: true);
                default:
                    return false;
            }
        }

        bool ExactValue(bool integer)
        {
            string value;
            if (Peek() is Tok.End or Tok.Comma) value = "";
            else if (Next() == Tok.Identifier) value = tokens[p - 1].Literal;
            else return false;
            if (integer && !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)) return false;
            return IsLabelValue(value);
        }

        bool Values()
        {
            if (Next() != Tok.OpenPar) return false;
            var values = new List<string>();
            switch (Peek())
            {
                case Tok.ClosedPar:
                    p++;
                    values.Add("");
                    break;
                case Tok.Identifier or Tok.Comma:
                    while (true)
                    {
                        var t = Next();
                        if (t == Tok.Identifier)
                        {
                            values.Add(tokens[p - 1].Literal);
                            var after = Peek();
                            if (after == Tok.Comma) continue;
                            if (after == Tok.ClosedPar) break;
                            return false;
                        }
                        if (t != Tok.Comma) return false;
                        if (values.Count == 0) values.Add("");
                        var next = Peek();
                        if (next == Tok.ClosedPar)
                        {
                            values.Add("");
                            break;
                        }
                        if (next == Tok.Comma)
                        {
                            p++;
                            values.Add("");
                        }
                    }
                    if (Next() != Tok.ClosedPar) return false;
                    break;
                default:
                    return false;
            }
            return values.All(IsLabelValue);
        }
    }

    private static Tok AsValue((Tok Kind, string Literal) t) => t.Kind is Tok.In or Tok.NotIn ? Tok.Identifier : t.Kind;

    private static List<(Tok Kind, string Literal)> Lex(string s)
    {
        var tokens = new List<(Tok, string)>();
        var pos = 0;
        while (true)
        {
            while (pos < s.Length && IsWhitespace(s[pos])) pos++;
            if (pos >= s.Length)
            {
                tokens.Add((Tok.End, ""));
                return tokens;
            }
            if (IsSpecial(s[pos]))
            {
                // Longest run of symbols that still forms a known token.
                var start = pos;
                Tok last = Tok.Error;
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
                if (last == Tok.Error) return [.. tokens, (Tok.Error, s[start..pos]), (Tok.End, "")];
                pos = lastEnd;
                tokens.Add((last, s[start..pos]));
            }
            else
            {
                var start = pos;
                while (pos < s.Length && !IsSpecial(s[pos]) && !IsWhitespace(s[pos])) pos++;
                var word = s[start..pos];
                tokens.Add((Keywords.TryGetValue(word, out var k) ? k : Tok.Identifier, word));
            }
        }
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    /// <summary>apimachinery's <c>IsQualifiedName</c>: optional DNS-1123 subdomain prefix and '/', then a 63-char name.</summary>
    public static bool IsQualifiedName(string value) => NameValidation.QualifiedName(value).Count == 0;

    /// <summary>apimachinery's <c>IsValidLabelValue</c>: empty, or up to 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric.</summary>
    public static bool IsLabelValue(string value) => NameValidation.LabelValue(value).Count == 0;
}
