using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>ConfigMaps: key syntax, no key in both data and binaryData, 1 MiB in total, and <c>immutable</c>.</summary>
public sealed class ConfigMapStrategy : KindStrategy
{
    public override string? CheckDecoded(KubeObject obj) => DataBags.CheckBase64(obj["binaryData"]);

    public override IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj)
    {
        var data = obj["data"] as JsonObject;
        var binary = obj["binaryData"] as JsonObject;
        long size = 0;
        foreach (var (key, value) in Sorted(data))
        {
            foreach (var msg in NameValidation.ConfigMapKey(key)) yield return FieldError.Invalid($"data[{key}]", key, msg);
            if (binary?.ContainsKey(key) == true) yield return FieldError.Invalid($"data[{key}]", key, "duplicate of key present in binaryData");
            size += Encoding.UTF8.GetByteCount(value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "");
        }
        foreach (var (key, value) in Sorted(binary))
        {
            foreach (var msg in NameValidation.ConfigMapKey(key)) yield return FieldError.Invalid($"binaryData[{key}]", key, msg);
            size += DataBags.DecodedLength(value);
        }
        if (size > DataBags.MaxSize) yield return FieldError.TooLong("[]", DataBags.MaxSize);
    }

    public override IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old) =>
        DataBags.Immutable(obj, old, "data", "binaryData").Concat(Validate(context, obj));

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Sorted(JsonObject? map) =>
        map is null ? [] : map.OrderBy(p => p.Key, StringComparer.Ordinal);
}

/// <summary>
/// Secrets: stringData merged into data, type defaulted to Opaque and then immutable, key syntax, 1 MiB of data, the
/// keys each built-in type requires, and <c>immutable</c>.
/// </summary>
public sealed class SecretStrategy : KindStrategy
{
    public override FieldLabels FieldLabels(RegistryResource resource) =>
        Registry.FieldLabels.Custom(true, ["metadata.name", "metadata.namespace"], new Dictionary<string, string> { ["type"] = "type" });

    public override string? CheckDecoded(KubeObject obj) => DataBags.CheckBase64(obj["data"]);

    public override void Normalize(KubeObject obj)
    {
        if (obj["stringData"] is JsonObject stringData)
        {
            if (obj["data"] is not JsonObject data) obj["data"] = data = new JsonObject();
            foreach (var (key, value) in stringData.ToList())
            {
                var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            }
        }
        obj["stringData"] = null;
        if (KubeObject.String(obj.Root, "type").Length == 0) obj["type"] = "Opaque";
    }

    public override IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj)
    {
        var data = obj["data"] as JsonObject;
        long size = 0;
        if (data is not null)
            foreach (var (key, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var msg in NameValidation.ConfigMapKey(key)) yield return FieldError.Invalid($"data[{key}]", key, msg);
                size += DataBags.DecodedLength(value);
            }
        if (size > DataBags.MaxSize) yield return FieldError.TooLong("data", DataBags.MaxSize);
        bool Has(string key) => data?.ContainsKey(key) == true;
        switch (KubeObject.String(obj.Root, "type"))
        {
            case "kubernetes.io/service-account-token":
                if (!obj.Annotations.TryGetValue("kubernetes.io/service-account.name", out var sa) || sa.Length == 0)
                    yield return FieldError.Required("metadata.annotations[kubernetes.io/service-account.name]");
                break;
            case "kubernetes.io/dockercfg":
                if (!Has(".dockercfg")) yield return FieldError.Required("data[.dockercfg]");
                break;
            case "kubernetes.io/dockerconfigjson":
                if (!Has(".dockerconfigjson")) yield return FieldError.Required("data[.dockerconfigjson]");
                break;
            case "kubernetes.io/basic-auth":
                if (!Has("username") && !Has("password"))
                {
                    yield return FieldError.Required("data[username]");
                    yield return FieldError.Required("data[password]");
                }
                break;
            case "kubernetes.io/ssh-auth":
                if (!Has("ssh-privatekey")) yield return FieldError.Required("data[ssh-privatekey]");
                break;
            case "kubernetes.io/tls":
                if (!Has("tls.crt")) yield return FieldError.Required("data[tls.crt]");
                if (!Has("tls.key")) yield return FieldError.Required("data[tls.key]");
                break;
        }
    }

    public override IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old)
    {
        var type = KubeObject.String(obj.Root, "type");
        if (type != KubeObject.String(old.Root, "type"))
            yield return FieldError.Invalid("type", type, ObjectMetaValidation.FieldImmutable);
        foreach (var error in DataBags.Immutable(obj, old, "data").Concat(Validate(context, obj))) yield return error;
    }
}

/// <summary>What ConfigMaps and Secrets share: the size limit, base64 byte data, immutability.</summary>
internal static class DataBags
{
    public const int MaxSize = 1024 * 1024;

    public static IEnumerable<FieldError> Immutable(KubeObject obj, KubeObject old, params string[] bags)
    {
        if (old["immutable"] is not JsonValue was || was.GetValueKind() != JsonValueKind.True) yield break;
        if (obj["immutable"] is not JsonValue now || now.GetValueKind() != JsonValueKind.True)
            yield return FieldError.Forbidden("immutable", "field is immutable when `immutable` is set");
        foreach (var bag in bags)
            if (!JsonNode.DeepEquals(obj[bag], old[bag])) yield return FieldError.Forbidden(bag, "field is immutable when `immutable` is set");
    }

    /// <summary>The first value of a []byte map that Go's base64 decoder refuses, as its error text.</summary>
    public static string? CheckBase64(JsonNode? bag)
    {
        if (bag is not JsonObject map) return null;
        foreach (var (_, value) in map)
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && GoBase64.FirstError(v.GetValue<string>()) is { } at)
                return $"illegal base64 data at input byte {at}";
        return null;
    }

    public static long DecodedLength(JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return 0;
        var text = v.GetValue<string>().Replace("\r", "").Replace("\n", "");
        return text.Length / 4 * 3 - (text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0);
    }
}

/// <summary>Where Go's <c>base64.StdEncoding.DecodeString</c> reports a CorruptInputError (newlines are skipped).</summary>
internal static class GoBase64
{
    public static int? FirstError(string s)
    {
        var si = 0;
        while (true)
        {
            var quantumStart = -1;
            for (var j = 0; j < 4; j++)
            {
                while (si < s.Length && s[si] is '\n' or '\r') si++;
                if (si == s.Length)
                {
                    if (j == 0) return null;
                    return si - j;
                }
                if (quantumStart < 0) quantumStart = si;
                var c = s[si++];
                if (IsAlphabet(c)) continue;
                if (c != '=') return si - 1;
                if (j is 0 or 1) return si - 1;
                if (j == 2)
                {
                    while (si < s.Length && s[si] is '\n' or '\r') si++;
                    if (si == s.Length) return s.Length;
                    if (s[si] != '=') return si - 1;
                    si++;
                }
                while (si < s.Length && s[si] is '\n' or '\r') si++;
                return si < s.Length ? si : null;
            }
        }
    }

    private static bool IsAlphabet(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';
}
