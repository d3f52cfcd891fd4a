using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Apply;

/// <summary>
/// Decodes the body of an <c>application/apply-patch+yaml</c> request: YAML (its first document) or JSON, into
/// the object to apply, with YAML 1.1 scalars as Kubernetes' YAML reader resolves them. Errors are kube's 400s
/// (<c>error decoding YAML: …</c>).
/// </summary>
public static class AppliedConfiguration
{
    private const int MaxDepth = 512;

    public static bool TryParse(ReadOnlySpan<byte> body, out JsonObject configuration, out KubeStatus? error)
    {
        configuration = new JsonObject();
        error = null;
        var text = Encoding.UTF8.GetString(body).TrimStart('\uFEFF');
        JsonNode? root;
        try
        {
            root = JsonTextParser.LooksLikeJson(text) ? ParseJson(text) : ParseYaml(text);
        }
        catch (FormatException ex)
        {
            error = Bad("error converting YAML to JSON: yaml: " + ex.Message);
            return false;
        }
        switch (root)
        {
            case null: return true;
            case JsonObject obj:
                configuration = obj;
                return true;
            default:
                var type = Values(root);
                error = Bad($"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {type} into Go value of type map[string]interface {{}}");
                return false;
        }

        static string Values(JsonNode node) => node switch
        {
            JsonArray => "array",
            _ => node.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                _ => "bool",
            },
        };
    }

    private static KubeStatus Bad(string reason) => KubeStatus.BadRequest("error decoding YAML: " + reason);

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            // Duplicate keys are refused, as kube refuses them under fieldValidation=Strict (kubectl's default).
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static JsonNode? ParseYaml(string text)
    {
        List<KNode?> documents;
        try
        {
            documents = YamlTextParser.Parse(text);
        }
        catch (SyntaxError ex)
        {
            throw new FormatException($"line {ex.Line}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner gives up on some malformed flow collections without a YamlException.
            throw new FormatException("did not find expected node content", ex);
        }
        return documents.Count == 0 ? null : ToJson(documents[0], 0);
    }

    private static JsonNode? ToJson(KNode? node, int depth)
    {
        if (depth > MaxDepth) throw new FormatException($"exceeded max depth of {MaxDepth}");
        switch (node)
        {
            case null: return null;
            case KMap map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Entries) obj[key] = ToJson(value, depth + 1);
                return obj;
            case KSeq seq:
                var array = new JsonArray();
                foreach (var item in seq.Items) array.Add(ToJson(item, depth + 1));
                return array;
            case KScalar scalar:
                return scalar.Kind switch
                {
                    ScalarKind.Null => null,
                    ScalarKind.Bool => JsonValue.Create(scalar.Value is "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE"),
                    ScalarKind.Int => Integer(scalar.Value),
                    ScalarKind.Float => Float(scalar.Value),
                    _ => JsonValue.Create(scalar.Value),
                };
            default: return null;
        }
    }

    /// <summary>A YAML 1.1 integer (<c>0x1F</c>, <c>0b101</c>, octal <c>017</c>, <c>1_000</c>); too large becomes a float.</summary>
    private static JsonNode Integer(string text)
    {
        var digits = text.Replace("_", "");
        var negative = digits.StartsWith('-');
        if (digits.StartsWith('-') || digits.StartsWith('+')) digits = digits[1..];
        var (radix, body) = digits switch
        {
            _ when digits.StartsWith("0b") => (2, digits[2..]),
            _ when digits.StartsWith("0x") => (16, digits[2..]),
            _ when digits.StartsWith("0o") => (8, digits[2..]),
            _ when digits.Length > 1 && digits.StartsWith('0') => (8, digits[1..]),
            _ => (10, digits),
        };
        try
        {
            var magnitude = radix == 10 ? ulong.Parse(body, CultureInfo.InvariantCulture) : Convert.ToUInt64(body, radix);
            if (!negative && magnitude <= long.MaxValue) return JsonValue.Create((long)magnitude);
            if (negative && magnitude <= (ulong)long.MaxValue + 1) return JsonValue.Create(unchecked(-(long)magnitude));
            return JsonValue.Create(negative ? -(double)magnitude : magnitude)!;
        }
        catch (OverflowException)
        {
            return Float(text);
        }
    }

    private static JsonNode Float(string text)
    {
        var value = text.Replace("_", "") switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            var digits => double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        if (double.IsFinite(value)) return JsonValue.Create(value);
        throw new FormatException("json: unsupported value: " + (double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf"));
    }
}
