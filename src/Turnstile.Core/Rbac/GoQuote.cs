using System.Text;

namespace Turnstile.Core.Rbac;

/// <summary>Go's <c>%q</c> quoting, used verbatim in kube-apiserver reason and error strings.</summary>
public static class GoQuote
{
    public static string Quote(string value)
    {
        var needsEscape = false;
        foreach (var c in value)
        {
            if (c is '"' or '\\' || c < 0x20 || c == 0x7f) { needsEscape = true; break; }
        }
        if (!needsEscape) return "\"" + value + "\"";
        var sb = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Go's <c>%q</c> of a string slice: <c>["a" "b"]</c>.</summary>
    public static string Slice(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(Quote)) + "]";
}
