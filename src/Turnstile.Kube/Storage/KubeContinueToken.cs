using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Storage;

/// <summary>
/// kube-apiserver's continue token: base64url (no padding) of <c>{"v":"meta.k8s.io/v1","rv":N,"start":"&lt;key&gt;\u0000"}</c>,
/// where the start key is relative to the list's key prefix and <c>rv</c> is the revision of the first page
/// (-1: continue at the latest revision, as a 410 for an expired token offers).
/// </summary>
public static class KubeContinueToken
{
    private const string Version = "meta.k8s.io/v1";

    /// <summary>A token that resumes after <paramref name="lastKey"/> (a key under <paramref name="prefix"/>).</summary>
    public static string Encode(string lastKey, string prefix, long revision) => EncodeStart(lastKey[prefix.Length..] + "\0", revision);

    private static string EncodeStart(string start, long revision)
    {
        var json = "{\"v\":\"" + Version + "\",\"rv\":" + revision + ",\"start\":" + GoJson.Quote(start) + "}";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The same position at another revision.</summary>
    public static string WithRevision(string startKey, string prefix, long revision) => EncodeStart(startKey[prefix.Length..], revision);

    /// <summary>Decodes a token into the key to start from (inclusive) and the revision.</summary>
    /// <exception cref="KubeApiException">400 with apiserver's <c>invalid continue token: ...</c> messages.</exception>
    public static (string StartKey, long Revision) Decode(string token, string prefix)
    {
        byte[] data;
        try
        {
            data = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid("continue key is not valid: illegal base64 data at input byte " + FirstBadBase64(token));
        }
        string? version, start;
        long revision;
        try
        {
            var obj = JsonNode.Parse(data) as JsonObject ?? throw new JsonException("not an object");
            version = obj["v"]?.GetValue<string>();
            revision = obj["rv"]?.GetValue<long>() ?? 0;
            start = obj["start"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid("continue key is not valid: " + e.Message);
        }
        if (version != Version)
            throw Invalid("continue key is not valid: server does not recognize this encoded version " + version);
        if (revision == 0) throw Invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        if (string.IsNullOrEmpty(start)) throw Invalid("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
        // As path.Clean would: the start key may not climb out of the list's prefix.
        var rooted = start.StartsWith('/') ? start : "/" + start;
        if (rooted.Contains("/../", StringComparison.Ordinal) || rooted.EndsWith("/..", StringComparison.Ordinal) ||
            rooted.Contains("/./", StringComparison.Ordinal) || rooted.EndsWith("/.", StringComparison.Ordinal) ||
            rooted.Contains("//", StringComparison.Ordinal))
            throw Invalid("continue key is not valid: " + start);
        return (prefix + rooted[1..], revision);
    }

    private static KubeApiException Invalid(string detail) => KubeApiException.BadRequest("invalid continue token: " + detail);

    private static int FirstBadBase64(string token)
    {
        for (var i = 0; i < token.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(token[i]) || token[i] is '-' or '_')) return i;
        return token.Length;
    }
}
