using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Turnstile.State;

/// <summary>
/// The continue token of a paged list: the revision the first page was read at and the last key returned,
/// base64url-encoded JSON (opaque to clients, like kube-apiserver's).
/// </summary>
public sealed record ContinueToken(
    [property: JsonPropertyName("rv")] long Revision,
    [property: JsonPropertyName("start")] string LastKey)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, ContinueTokenJson.Default.ContinueToken));

    /// <exception cref="InvalidContinueTokenException">When the token is not one this store issued.</exception>
    public static ContinueToken Decode(string token, string prefix)
    {
        ContinueToken? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(token), ContinueTokenJson.Default.ContinueToken);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new InvalidContinueTokenException("continue key is not valid: " + e.Message);
        }
        if (decoded is null || decoded.Revision <= 0 || decoded.LastKey is null)
            throw new InvalidContinueTokenException("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        if (!decoded.LastKey.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidContinueTokenException("continue key is not valid: the continue token belongs to another list");
        return decoded;
    }
}

[JsonSerializable(typeof(ContinueToken))]
internal sealed partial class ContinueTokenJson : JsonSerializerContext;
