namespace Turnstile.Server.Protocols;

/// <summary>A complete HTTP response produced by a protocol writer, before it reaches the wire.</summary>
public sealed record WireResponse(int StatusCode, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
