using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Authn.Token;

public enum EksTokenErrorKind
{
    /// <summary>aws-iam-authenticator <c>FormatError</c>: the token is not a well-formed presigned STS URL.</summary>
    Format,
    /// <summary>What STS would have rejected: bad signature, unknown or expired credentials.</summary>
    Sts,
    /// <summary>A plain error outside both categories.</summary>
    Other,
}

/// <summary>A token rejection; <see cref="Message"/> carries the authenticator's prefix for its kind.</summary>
public sealed record EksTokenError(EksTokenErrorKind Kind, string Message, SigV4Error? Signature = null)
{
    public const string FormatPrefix = "input token was not properly formatted: ";
    public const string StsPrefix = "sts getCallerIdentity failed: ";

    public static EksTokenError Format(string message) => new(EksTokenErrorKind.Format, FormatPrefix + message);

    public static EksTokenError Sts(SigV4Error error) =>
        new(EksTokenErrorKind.Sts, $"{StsPrefix}{error.Code}: {error.Message}", error);

    public override string ToString() => Message;
}
