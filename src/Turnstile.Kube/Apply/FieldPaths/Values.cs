using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Kube.Apply.FieldPaths;

/// <summary>The JSON shape of a value as structured-merge-diff distinguishes it (integers and floats apart).</summary>
internal enum ValueKind { Null, Bool, Int, Float, String, List, Map }

/// <summary>
/// Comparison, equality and text forms of JSON values with structured-merge-diff's semantics: a total order
/// (numbers, then strings, booleans, lists, maps, null), ints and floats equal by numeric value, and Go's
/// formatting for the JSON of <c>k:</c>/<c>v:</c> path elements and the <c>%v</c> of conflict paths.
/// </summary>
internal static class Values
{
    public static ValueKind KindOf(JsonNode? node) => node switch
    {
        null => ValueKind.Null,
        JsonObject => ValueKind.Map,
        JsonArray => ValueKind.List,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => ValueKind.String,
            JsonValueKind.True or JsonValueKind.False => ValueKind.Bool,
            JsonValueKind.Number => IsInteger(v) ? ValueKind.Int : ValueKind.Float,
            _ => ValueKind.Null,
        },
        _ => ValueKind.Null,
    };

    public static bool IsScalar(ValueKind kind) => kind is ValueKind.Bool or ValueKind.Int or ValueKind.Float or ValueKind.String;

    /// <summary>An integer is a number written without fraction or exponent that fits 64 bits (Go's int64).</summary>
    private static bool IsInteger(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var e)) return e.TryGetInt64(out _);
        return v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _) || v.TryGetValue<short>(out _) || v.TryGetValue<byte>(out _)
               || v.TryGetValue<uint>(out _);
    }

    public static long AsLong(JsonNode node)
    {
        var v = node.AsValue();
        if (v.TryGetValue<JsonElement>(out var e)) return e.GetInt64();
        if (v.TryGetValue<long>(out var l)) return l;
        return Convert.ToInt64(v.GetValue<object>(), CultureInfo.InvariantCulture);
    }

    public static double AsDouble(JsonNode node)
    {
        var v = node.AsValue();
        if (v.TryGetValue<JsonElement>(out var e)) return e.GetDouble();
        if (v.TryGetValue<double>(out var d)) return d;
        return Convert.ToDouble(v.GetValue<object>(), CultureInfo.InvariantCulture);
    }

    public static bool AsBool(JsonNode node) => node.GetValueKind() == JsonValueKind.True;

    /// <summary>structured-merge-diff's total order (<c>value.Compare</c>).</summary>
    public static int Compare(JsonNode? lhs, JsonNode? rhs)
    {
        var (l, r) = (KindOf(lhs), KindOf(rhs));
        if (l == ValueKind.Float || r == ValueKind.Float)
        {
            if (l is ValueKind.Float or ValueKind.Int && r is ValueKind.Float or ValueKind.Int)
                return AsDouble(lhs!).CompareTo(AsDouble(rhs!)) switch { < 0 => -1, > 0 => 1, _ => 0 };
            return l == ValueKind.Float ? -1 : 1;
        }
        if (l != r) return Rank(l).CompareTo(Rank(r));
        return l switch
        {
            ValueKind.Int => AsLong(lhs!).CompareTo(AsLong(rhs!)),
            ValueKind.String => Utf8Order.Compare(lhs!.GetValue<string>(), rhs!.GetValue<string>()),
            ValueKind.Bool => AsBool(lhs!).CompareTo(AsBool(rhs!)),
            ValueKind.List => CompareLists(lhs!.AsArray(), rhs!.AsArray()),
            ValueKind.Map => CompareMaps(lhs!.AsObject(), rhs!.AsObject()),
            _ => 0,
        };

        static int Rank(ValueKind k) => k switch
        {
            ValueKind.Int => 0, ValueKind.String => 1, ValueKind.Bool => 2, ValueKind.List => 3, ValueKind.Map => 4, _ => 5,
        };
    }

    private static int CompareLists(JsonArray lhs, JsonArray rhs)
    {
        for (var i = 0; ; i++)
        {
            if (i >= lhs.Count && i >= rhs.Count) return 0;
            if (i >= lhs.Count) return -1;
            if (i >= rhs.Count) return 1;
            var c = Compare(lhs[i], rhs[i]);
            if (c != 0) return c;
        }
    }

    /// <summary>Go's <c>MapCompare</c>: walks the union of keys in order, as structured-merge-diff does.</summary>
    private static int CompareMaps(JsonObject lhs, JsonObject rhs)
    {
        if (lhs.Count == 0 && rhs.Count == 0) return 0;
        var keys = lhs.Select(kv => kv.Key).Union(rhs.Select(kv => kv.Key)).Order(Utf8Order.Comparer).ToList();
        var i = 0;
        foreach (var key in keys)
        {
            int c;
            if (i == lhs.Count) c = -1;
            else if (i == rhs.Count) c = 1;
            else if (!lhs.TryGetPropertyValue(key, out var l)) c = 1;
            else if (!rhs.TryGetPropertyValue(key, out var r)) c = -1;
            else c = Compare(l, r);
            i++;
            if (c != 0) return c;
        }
        return 0;
    }

    /// <summary>structured-merge-diff's equality (<c>value.Equals</c>): ints and floats by numeric value.</summary>
    public static bool Equal(JsonNode? lhs, JsonNode? rhs)
    {
        var (l, r) = (KindOf(lhs), KindOf(rhs));
        if (l == ValueKind.Float || r == ValueKind.Float)
            return l is ValueKind.Float or ValueKind.Int && r is ValueKind.Float or ValueKind.Int && AsDouble(lhs!) == AsDouble(rhs!);
        if (l != r) return false;
        switch (l)
        {
            case ValueKind.Int: return AsLong(lhs!) == AsLong(rhs!);
            case ValueKind.String: return lhs!.GetValue<string>() == rhs!.GetValue<string>();
            case ValueKind.Bool: return AsBool(lhs!) == AsBool(rhs!);
            case ValueKind.List:
                var (la, ra) = (lhs!.AsArray(), rhs!.AsArray());
                if (la.Count != ra.Count) return false;
                for (var i = 0; i < la.Count; i++)
                    if (!Equal(la[i], ra[i])) return false;
                return true;
            case ValueKind.Map:
                var (lo, ro) = (lhs!.AsObject(), rhs!.AsObject());
                if (lo.Count != ro.Count) return false;
                foreach (var (key, value) in lo)
                    if (!ro.TryGetPropertyValue(key, out var other) || !Equal(value, other)) return false;
                return true;
            default: return true;
        }
    }

    /// <summary>A hash consistent with <see cref="Equal"/> (numbers hash by their double value).</summary>
    public static int Hash(JsonNode? node)
    {
        switch (KindOf(node))
        {
            case ValueKind.Int or ValueKind.Float: return AsDouble(node!).GetHashCode();
            case ValueKind.String: return StringComparer.Ordinal.GetHashCode(node!.GetValue<string>());
            case ValueKind.Bool: return AsBool(node!) ? 1 : 2;
            case ValueKind.List:
                var listHash = new HashCode();
                foreach (var item in node!.AsArray()) listHash.Add(Hash(item));
                return listHash.ToHashCode();
            case ValueKind.Map:
                var mapHash = 0;
                foreach (var (key, value) in node!.AsObject()) mapHash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), Hash(value));
                return mapHash;
            default: return 0;
        }
    }

    /// <summary>The value as Go's encoding/json writes it: HTML-safe string escapes, sorted map keys, Go float format.</summary>
    public static string ToGoJson(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteGoJson(sb, node);
        return sb.ToString();
    }

    private static void WriteGoJson(StringBuilder sb, JsonNode? node)
    {
        switch (KindOf(node))
        {
            case ValueKind.Null: sb.Append("null"); break;
            case ValueKind.Bool: sb.Append(AsBool(node!) ? "true" : "false"); break;
            case ValueKind.Int: sb.Append(AsLong(node!).ToString(CultureInfo.InvariantCulture)); break;
            case ValueKind.Float: sb.Append(GoFloat.Json(AsDouble(node!))); break;
            case ValueKind.String: sb.Append(GoJson.Quote(node!.GetValue<string>())); break;
            case ValueKind.List:
                sb.Append('[');
                var first = true;
                foreach (var item in node!.AsArray())
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteGoJson(sb, item);
                }
                sb.Append(']');
                break;
            case ValueKind.Map:
                sb.Append('{');
                var firstKey = true;
                foreach (var (key, value) in node!.AsObject().OrderBy(kv => kv.Key, Utf8Order.Comparer))
                {
                    if (!firstKey) sb.Append(',');
                    firstKey = false;
                    sb.Append(GoJson.Quote(key)).Append(':');
                    WriteGoJson(sb, value);
                }
                sb.Append('}');
                break;
        }
    }

    /// <summary>structured-merge-diff's <c>value.ToString</c>, used in paths: strings quoted (<c>%q</c>), numbers as <c>%v</c>.</summary>
    public static string ToGoString(JsonNode? node) => KindOf(node) switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => AsBool(node!) ? "true" : "false",
        ValueKind.Int => AsLong(node!).ToString(CultureInfo.InvariantCulture),
        ValueKind.Float => GoFloat.General(AsDouble(node!)),
        ValueKind.String => GoQuote.Quote(node!.GetValue<string>()),
        ValueKind.List => "[" + string.Join(",", node!.AsArray().Select(ToGoString)) + "]",
        _ => string.Concat(node!.AsObject().OrderBy(kv => kv.Key, Utf8Order.Comparer).Select(kv => kv.Key + "=" + ToGoString(kv.Value))),
    };

    /// <summary>A detached copy of a value (JSON nodes have one parent).</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();
}

/// <summary>Go's string order: byte order of the UTF-8 encoding, i.e. code point order.</summary>
internal static class Utf8Order
{
    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);

    public static int Compare(string? a, string? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (x == y) continue;
            // Surrogates (U+D800-DFFF) encode code points above U+FFFF, which sort after every BMP character.
            var xs = char.IsSurrogate(x);
            var ys = char.IsSurrogate(y);
            if (xs != ys) return xs ? 1 : -1;
            return x < y ? -1 : 1;
        }
        return a.Length.CompareTo(b.Length);
    }
}

/// <summary>Go's float formatting: encoding/json's (<c>'f'</c>, or <c>'e'</c> outside [1e-6, 1e21)) and <c>%v</c>'s.</summary>
internal static class GoFloat
{
    public static string Json(double f)
    {
        if (double.IsNaN(f) || double.IsInfinity(f)) throw new ArgumentOutOfRangeException(nameof(f), "json: unsupported value");
        var abs = Math.Abs(f);
        var useExponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        var (negative, digits, point) = Shortest(f);
        if (!useExponent) return Fixed(negative, digits, point);
        var text = Exponent(negative, digits, point);
        // encoding/json writes e-07 as e-7.
        var n = text.Length;
        return n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0' ? text[..(n - 2)] + text[n - 1] : text;
    }

    /// <summary><c>%v</c> (strconv <c>'g'</c> with the shortest precision: exponent form below 1e-4 or from 1e6).</summary>
    public static string General(double f)
    {
        if (double.IsNaN(f)) return "NaN";
        if (double.IsPositiveInfinity(f)) return "+Inf";
        if (double.IsNegativeInfinity(f)) return "-Inf";
        var (negative, digits, point) = Shortest(f);
        var exp = point - 1;
        return exp < -4 || exp >= 6 ? Exponent(negative, digits, point) : Fixed(negative, digits, point);
    }

    /// <summary>Shortest round-trip decimal digits and the decimal point position (value = 0.digits × 10^point).</summary>
    private static (bool Negative, string Digits, int Point) Shortest(double f)
    {
        var shortest = f.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative) shortest = shortest[1..];
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= lead;
        if (digits.Length == 0) return (negative, "0", 1);
        return (negative, digits, point);
    }

    private static string Fixed(bool negative, string digits, int point)
    {
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (point <= 0) sb.Append("0.").Append('0', -point).Append(digits);
        else if (point >= digits.Length) sb.Append(digits).Append('0', point - digits.Length);
        else sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        return sb.ToString();
    }

    private static string Exponent(bool negative, string digits, int point)
    {
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        sb.Append(digits[0]);
        if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
        var exp = point - 1;
        sb.Append('e').Append(exp < 0 ? '-' : '+');
        var magnitude = Math.Abs(exp);
        if (magnitude < 10) sb.Append('0');
        sb.Append(magnitude.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
