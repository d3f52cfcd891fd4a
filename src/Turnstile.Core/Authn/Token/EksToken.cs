using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Turnstile.Core.Authn.Token;

/// <summary>
/// The EKS bearer token: <c>k8s-aws-v1.</c> + unpadded base64url of a presigned STS GetCallerIdentity URL that
/// signs the <c>x-k8s-aws-id</c> header (the cluster id).
/// </summary>
public static class EksToken
{
    public const string Prefix = "k8s-aws-v1.";
    public const int MaxLengthBytes = 4096;
    public const string ClusterIdHeader = "x-k8s-aws-id";

    /// <summary><c>X-Amz-Expires</c> every generator writes; STS ignores it.</summary>
    public const int PresignExpiresSeconds = 60;

    /// <summary>Real validity: from <c>X-Amz-Date</c>, as STS and aws-iam-authenticator enforce it.</summary>
    public static readonly TimeSpan ValidFor = TimeSpan.FromMinutes(15);

    /// <summary>Expiry reported to kubectl: signing time + 14 minutes (one minute of cushion).</summary>
    public static readonly TimeSpan ReportedLifetime = TimeSpan.FromMinutes(14);

    public static string Encode(string presignedUrl) =>
        Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(presignedUrl)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Go <c>base64.RawURLEncoding</c> decoding: URL alphabet only, no padding; CR and LF are skipped.
    /// Errors read like Go's: <c>illegal base64 data at input byte N</c>.
    /// </summary>
    public static bool TryDecodeBase64Url(string text, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out string? error)
    {
        var output = new List<byte>(text.Length * 3 / 4);
        int buffer = 0, bits = 0, quantum = 0, lastIndex = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n') continue;
            var v = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '-' => 62,
                '_' => 63,
                _ => -1,
            };
            if (v < 0)
            {
                bytes = null;
                error = $"illegal base64 data at input byte {i}";
                return false;
            }
            buffer = (buffer << 6) | v;
            bits += 6;
            quantum = (quantum + 1) % 4;
            lastIndex = i;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        if (quantum == 1)
        {
            bytes = null;
            error = $"illegal base64 data at input byte {lastIndex}";
            return false;
        }
        bytes = output.ToArray();
        error = null;
        return true;
    }
}
