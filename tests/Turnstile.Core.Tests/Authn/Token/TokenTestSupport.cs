using System.Text;
using Turnstile.Core.Authn.Token;

namespace Turnstile.Core.Tests.Authn.Token;

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class TokenTestSupport
{
    /// <summary>T(url) of the authenticator spec: prefix + unpadded base64url.</summary>
    public static string T(string url) => EksToken.Encode(url);

    public static string Base64UrlNoPad(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
