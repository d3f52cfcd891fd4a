namespace Turnstile.Server.Protocols;

/// <summary>
/// AWS request ids (<c>x-amzn-RequestId</c>, <c>&lt;RequestId&gt;</c>): random UUIDs (version 4) as AWS sends them. They
/// must be unique, not unpredictable, so they come from the shared non-cryptographic generator: <see cref="Guid.NewGuid"/>
/// reads the kernel's random source on every call, a system call that cost more than authenticating and answering a
/// GetCallerIdentity (docs/performance.md).
/// </summary>
internal static class RequestIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
