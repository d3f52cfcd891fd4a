using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Turnstile.Core.Kube;

/// <summary>An ordered YAML mapping for <see cref="YamlWriter"/>; values are string, null, YMap or IReadOnlyList&lt;object?&gt;.</summary>
internal sealed class YMap
{
    public List<KeyValuePair<string, object?>> Entries { get; } = [];

    public YMap Add(string key, object? value)
    {
        Entries.Add(new(key, value));
        return this;
    }

    /// <summary>Keys in the order kubectl prints them (go-yaml v2 sorting of a decoded JSON map).</summary>
    public YMap Sorted()
    {
        Entries.Sort((a, b) => GoYamlKeyComparer.Instance.Compare(a.Key, b.Key));
        return this;
    }
}

/// <summary>A scalar written as is, unquoted: a number or a boolean taken from JSON.</summary>
internal sealed record YPlain(string Text);

/// <summary>
/// Orders mapping keys like go-yaml v2 (used by kubectl's <c>-o yaml</c>): letters compare by code point,
/// a non-letter sorts before a letter, and runs of digits compare by numeric value.
/// </summary>
internal sealed class GoYamlKeyComparer : IComparer<string>
{
    public static readonly GoYamlKeyComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Less(x, y) ? -1 : Less(y, x) ? 1 : 0;
    }

    private static bool Less(string a, string b)
    {
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            if (a[i] == b[i]) continue;
            var al = char.IsLetter(a[i]);
            var bl = char.IsLetter(b[i]);
            if (al && bl) return a[i] < b[i];
            if (al || bl) return bl;
            long an = 0, bn = 0;
            if (a[i] == '0' || b[i] == '0')
            {
                for (var j = i - 1; j >= 0 && char.IsAsciiDigit(a[j]); j--)
                {
                    if (a[j] != '0') { an = 1; bn = 1; break; }
                }
            }
            int ai, bi;
            for (ai = i; ai < a.Length && char.IsAsciiDigit(a[ai]); ai++) an = an * 10 + (a[ai] - '0');
            for (bi = i; bi < b.Length && char.IsAsciiDigit(b[bi]); bi++) bn = bn * 10 + (b[bi] - '0');
            if (an != bn) return an < bn;
            if (ai != bi) return ai < bi;
            return a[i] < b[i];
        }
        return a.Length < b.Length;
    }
}

/// <summary>
/// Emits block-style YAML the way kubectl does (go-yaml v2 / libyaml conventions): two-space indentation,
/// sequences not indented under their key, plain scalars where safe, single quotes for strings that start
/// with an indicator, double quotes for strings that would otherwise read as null/bool/number, literal
/// blocks for multi-line strings. Long lines are not folded.
/// </summary>
internal static partial class YamlWriter
{
    public static string Write(YMap root)
    {
        var sb = new StringBuilder();
        if (root.Entries.Count == 0) return "{}\n";
        WriteMap(sb, root, 0, inline: false);
        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, YMap map, int indent, bool inline)
    {
        var first = true;
        foreach (var (key, value) in map.Entries)
        {
            if (!(first && inline)) sb.Append(' ', indent);
            first = false;
            sb.Append(FormatScalar(key, allowLiteral: false)).Append(':');
            WriteValueAfterKey(sb, value, indent);
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case var leaf when WriteLeaf(sb, leaf, indent):
                break;
            case YMap m:
                sb.Append('\n');
                WriteMap(sb, m, indent + 2, inline: false);
                break;
            case IReadOnlyList<object?> list:
                sb.Append('\n');
                WriteSeq(sb, list, indent, inline: false);
                break;
            default:
                throw new ArgumentException($"unsupported YAML value {value!.GetType().Name}");
        }
    }

    private static void WriteSeq(StringBuilder sb, IReadOnlyList<object?> list, int indent, bool inline)
    {
        var first = true;
        foreach (var item in list)
        {
            if (!(first && inline)) sb.Append(' ', indent);
            first = false;
            sb.Append('-');
            switch (item)
            {
                case var leaf when WriteLeaf(sb, leaf, indent):
                    break;
                case YMap m:
                    sb.Append(' ');
                    WriteMap(sb, m, indent + 2, inline: true);
                    break;
                case IReadOnlyList<object?> nested:
                    sb.Append(' ');
                    WriteSeq(sb, nested, indent + 2, inline: true);
                    break;
                default:
                    throw new ArgumentException($"unsupported YAML value {item!.GetType().Name}");
            }
        }
    }

    /// <summary>
    /// Writes what fits after a key or a dash on the same line - null, a scalar, <c>{}</c>, <c>[]</c> - and returns
    /// false for a non-empty map or list, whose layout depends on where it stands.
    /// </summary>
    private static bool WriteLeaf(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case null: sb.Append(" null\n"); return true;
            case string s: sb.Append(' '); WriteScalar(sb, s, indent); return true;
            case YPlain p: sb.Append(' ').Append(p.Text).Append('\n'); return true;
            case YMap { Entries.Count: 0 }: sb.Append(" {}\n"); return true;
            case IReadOnlyList<object?> { Count: 0 }: sb.Append(" []\n"); return true;
            default: return false;
        }
    }

    /// <summary>Writes a scalar value and its line end; <paramref name="indent"/> is the column of the owning key or dash.</summary>
    private static void WriteScalar(StringBuilder sb, string value, int indent)
    {
        var formatted = FormatScalar(value, allowLiteral: true);
        if (formatted is not null)
        {
            sb.Append(formatted).Append('\n');
            return;
        }
        WriteLiteral(sb, value, indent + 2);
    }

    private static void WriteLiteral(StringBuilder sb, string value, int contentIndent)
    {
        sb.Append('|');
        if (value[0] is ' ' or '\n') sb.Append('2');
        if (!value.EndsWith('\n')) sb.Append('-');
        else if (value.Length >= 2 && value[^2] == '\n') sb.Append('+');
        sb.Append('\n');
        var body = value.EndsWith('\n') ? value[..^1] : value;
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0) sb.Append(' ', contentIndent).Append(line);
            sb.Append('\n');
        }
    }

    /// <summary>Formats a scalar on one line; returns null when it must be written as a literal block.</summary>
    internal static string? FormatScalar(string value, bool allowLiteral)
    {
        var analysis = Analyze(value);
        if (value.Contains('\n'))
        {
            if (allowLiteral && analysis.BlockAllowed) return null;
            return DoubleQuoted(value);
        }
        var resolvesToString = YamlTextParser.ResolvePlain(value) == ScalarKind.String && !Base60Float().IsMatch(value) && !Timestamp().IsMatch(value);
        if (!resolvesToString) return DoubleQuoted(value);
        if (analysis.PlainAllowed) return value;
        if (analysis.SingleQuotedAllowed) return "'" + value.Replace("'", "''") + "'";
        return DoubleQuoted(value);
    }

    private readonly record struct Analysis(bool PlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    // Mirrors libyaml's yaml_emitter_analyze_scalar for the block context.
    private static Analysis Analyze(string value)
    {
        if (value.Length == 0) return new(false, true, false);

        var indicators = value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal);
        bool special = false, spaceBreak = false, breakSpace = false;
        bool previousSpace = false, previousBreak = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, lineBreaks = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var followedByBlank = i + 1 >= value.Length || value[i + 1] is ' ' or '\t' or '\n' or '\r';
            var precededByBlank = i == 0 || value[i - 1] is ' ' or '\t' or '\n' or '\r';
            if (i == 0)
            {
                if ("#,[]{}&*!|>'\"%@`".Contains(c)) indicators = true;
                if (c is '?' or ':' && followedByBlank) indicators = true;
                if (c == '-' && followedByBlank) indicators = true;
            }
            else
            {
                if (c == ':' && followedByBlank) indicators = true;
                if (c == '#' && precededByBlank) indicators = true;
            }
            if (!IsPrintable(c) || c == '\uFEFF') special = true;

            if (c == ' ')
            {
                if (i == 0) leadingSpace = true;
                if (i == value.Length - 1) trailingSpace = true;
                if (previousBreak) breakSpace = true;
                previousSpace = true;
                previousBreak = false;
            }
            else if (c is '\n' or '\r')
            {
                lineBreaks = true;
                if (i == 0) leadingBreak = true;
                if (i == value.Length - 1) trailingBreak = true;
                if (previousSpace) spaceBreak = true;
                previousBreak = true;
                previousSpace = false;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }
        }

        var plain = !indicators && !leadingSpace && !leadingBreak && !trailingSpace && !trailingBreak && !lineBreaks;
        var single = true;
        var block = !trailingSpace;
        if (breakSpace) { plain = false; single = false; }
        if (spaceBreak || special) { plain = false; single = false; block = false; }
        // Multi-line strings never reach the single-quoted style here: they are literal blocks or double-quoted.
        return new(plain, single && !lineBreaks, block);
    }

    private static bool IsPrintable(char c) =>
        c == '\n' || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
        (c >= 0xE000 && c <= 0xFFFD) || char.IsSurrogate(c);

    private static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\0': sb.Append("\\0"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\v': sb.Append("\\v"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                case '\u001B': sb.Append("\\e"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u00A0': sb.Append("\\_"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                default:
                    if (!IsPrintable(c) || c == '\uFEFF')
                        sb.Append(c <= 0xFF ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\z")]
    private static partial Regex Base60Float();

    // go-yaml v2 resolves these as timestamps, so a string that looks like one is quoted.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?\z")]
    private static partial Regex Timestamp();
}
