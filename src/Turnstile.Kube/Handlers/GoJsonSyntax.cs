using System.Globalization;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// The syntax check of Go's encoding/json (its scanner), reporting the first error with Go's exact text
/// (<c>invalid character 'x' looking for beginning of value</c>, <c>unexpected end of JSON input</c>...), which
/// kube-apiserver puts in its 400s for malformed bodies.
/// </summary>
public static class GoJsonSyntax
{
    /// <summary>The nesting depth beyond which input is refused (Go's scanner allows 10,000; this emulator keeps it lower).</summary>
    public const int MaxDepth = Storage.KubeJson.MaxDepth;

    /// <summary>Null when <paramref name="json"/> is one valid JSON value (surrounded by whitespace), otherwise Go's error text.</summary>
    public static string? Check(ReadOnlySpan<byte> json)
    {
        var scanner = new Scanner(json);
        try
        {
            scanner.Value("looking for beginning of value", 0);
            scanner.SkipSpace();
            if (!scanner.AtEnd) throw scanner.Invalid("after top-level value");
            return null;
        }
        catch (SyntaxException e)
        {
            return e.Message;
        }
    }

    private sealed class SyntaxException(string message) : Exception(message);

    private ref struct Scanner(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos >= _data.Length;

        public void SkipSpace()
        {
            while (_pos < _data.Length && _data[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _pos++;
        }

        private byte Next()
        {
            if (_pos >= _data.Length) throw new SyntaxException("unexpected end of JSON input");
            return _data[_pos++];
        }

        private readonly byte Peek() => _pos < _data.Length ? _data[_pos] : (byte)0;

        // The error for the character just before _pos (the one that did not fit).
        public readonly SyntaxException Invalid(string context) => new($"invalid character {QuoteChar(_data[_pos < _data.Length ? _pos : _data.Length - 1])} {context}");

        private SyntaxException InvalidAt(byte c, string context) => new($"invalid character {QuoteChar(c)} {context}");

        public void Value(string context, int depth)
        {
            SkipSpace();
            var c = Next();
            switch (c)
            {
                case (byte)'{':
                    if (depth + 1 > MaxDepth) throw InvalidAt(c, "exceeded max depth");
                    Object(depth + 1);
                    break;
                case (byte)'[':
                    if (depth + 1 > MaxDepth) throw InvalidAt(c, "exceeded max depth");
                    Array(depth + 1);
                    break;
                case (byte)'"':
                    String();
                    break;
                case (byte)'-':
                    var d = Next();
                    if (d is < (byte)'0' or > (byte)'9') throw InvalidAt(d, "in numeric literal");
                    Number(d);
                    break;
                case >= (byte)'0' and <= (byte)'9':
                    Number(c);
                    break;
                case (byte)'t':
                    Literal("true");
                    break;
                case (byte)'f':
                    Literal("false");
                    break;
                case (byte)'n':
                    Literal("null");
                    break;
                default:
                    throw InvalidAt(c, context);
            }
        }

        private void Object(int depth)
        {
            SkipSpace();
            var c = Next();
            if (c == (byte)'}') return;
            while (true)
            {
                if (c != (byte)'"') throw InvalidAt(c, "looking for beginning of object key string");
                String();
                SkipSpace();
                c = Next();
                if (c != (byte)':') throw InvalidAt(c, "after object key");
                Value("looking for beginning of value", depth);
                SkipSpace();
                c = Next();
                if (c == (byte)'}') return;
                if (c != (byte)',') throw InvalidAt(c, "after object key:value pair");
                SkipSpace();
                c = Next();
            }
        }

        private void Array(int depth)
        {
            SkipSpace();
            if (Peek() == (byte)']' && _pos < _data.Length)
            {
                _pos++;
                return;
            }
            while (true)
            {
                Value("looking for beginning of value", depth);
                SkipSpace();
                var c = Next();
                if (c == (byte)']') return;
                if (c != (byte)',') throw InvalidAt(c, "after array element");
            }
        }

        private void String()
        {
            while (true)
            {
                var c = Next();
                if (c == (byte)'"') return;
                if (c < 0x20) throw InvalidAt(c, "in string literal");
                if (c != (byte)'\\') continue;
                c = Next();
                switch (c)
                {
                    case (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' or (byte)'\\' or (byte)'/' or (byte)'"':
                        break;
                    case (byte)'u':
                        for (var i = 0; i < 4; i++)
                        {
                            var h = Next();
                            if (!IsHex(h)) throw InvalidAt(h, "in \\u hexadecimal character escape");
                        }
                        break;
                    default:
                        throw InvalidAt(c, "in string escape code");
                }
            }
        }

        private void Number(byte first)
        {
            if (first != (byte)'0')
                while (IsDigit(Peek()) && !AtEnd) _pos++;
            if (Peek() == (byte)'.' && !AtEnd)
            {
                _pos++;
                var c = Next();
                if (!IsDigit(c)) throw InvalidAt(c, "after decimal point in numeric literal");
                while (IsDigit(Peek()) && !AtEnd) _pos++;
            }
            if (Peek() is (byte)'e' or (byte)'E' && !AtEnd)
            {
                _pos++;
                var c = Next();
                if (c is (byte)'+' or (byte)'-') c = Next();
                if (!IsDigit(c)) throw InvalidAt(c, "in exponent of numeric literal");
                while (IsDigit(Peek()) && !AtEnd) _pos++;
            }
        }

        private void Literal(string word)
        {
            for (var i = 1; i < word.Length; i++)
            {
                var c = Next();
                if (c != (byte)word[i]) throw InvalidAt(c, $"in literal {word} (expecting '{word[i]}')");
            }
        }

        private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

        private static bool IsHex(byte c) => IsDigit(c) || c is >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    }

    // Go's quoteChar: the byte as a rune, quoted with single quotes in strconv.Quote's escaping.
    private static string QuoteChar(byte c) => c switch
    {
        (byte)'\'' => @"'\''",
        (byte)'"' => "'\"'",
        (byte)'\a' => @"'\a'",
        (byte)'\b' => @"'\b'",
        (byte)'\f' => @"'\f'",
        (byte)'\n' => @"'\n'",
        (byte)'\r' => @"'\r'",
        (byte)'\t' => @"'\t'",
        (byte)'\v' => @"'\v'",
        (byte)'\\' => @"'\\'",
        < 0x20 or 0x7f => "'\\x" + c.ToString("x2", CultureInfo.InvariantCulture) + "'",
        >= 0x80 and <= 0x9f or 0xad => "'\\u00" + c.ToString("x2", CultureInfo.InvariantCulture) + "'",
        _ => "'" + (char)c + "'",
    };
}
