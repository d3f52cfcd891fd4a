namespace Turnstile.Core.Aws.Sigv4;

/// <summary>AWS error codes produced by SigV4 parsing and verification.</summary>
public static class SigV4ErrorCodes
{
    public const string MissingAuthenticationToken = "MissingAuthenticationToken";
    public const string IncompleteSignature = "IncompleteSignature";
    public const string SignatureDoesNotMatch = "SignatureDoesNotMatch";
    public const string InvalidClientTokenId = "InvalidClientTokenId";
    public const string ExpiredToken = "ExpiredToken";
    public const string AccessDenied = "AccessDenied";
    public const string ContentSha256Mismatch = "XAmzContentSHA256Mismatch";
}

/// <summary>A SigV4 failure as AWS reports it: error code, HTTP status and message.</summary>
public sealed record SigV4Error(string Code, int StatusCode, string Message)
{
    public const string MismatchMessage =
        "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public static SigV4Error MissingAuthenticationToken() =>
        new(SigV4ErrorCodes.MissingAuthenticationToken, 403, "Request is missing Authentication Token");

    public static SigV4Error IncompleteSignature(string message) =>
        new(SigV4ErrorCodes.IncompleteSignature, 400, message);

    public static SigV4Error SignatureDoesNotMatch(string message = MismatchMessage) =>
        new(SigV4ErrorCodes.SignatureDoesNotMatch, 403, message);

    /// <summary>Unknown, deleted or inactive access key (what a failed secret lookup should answer).</summary>
    public static SigV4Error InvalidClientTokenId() =>
        new(SigV4ErrorCodes.InvalidClientTokenId, 403, "The security token included in the request is invalid.");

    public static SigV4Error ExpiredToken() =>
        new(SigV4ErrorCodes.ExpiredToken, 403, "The security token included in the request is expired");

    /// <summary>A presigned URL used after <c>X-Amz-Date + X-Amz-Expires</c>.</summary>
    public static SigV4Error PresignedUrlExpired() =>
        new(SigV4ErrorCodes.AccessDenied, 403, "Request has expired");

    public static SigV4Error ContentSha256Mismatch() =>
        new(SigV4ErrorCodes.ContentSha256Mismatch, 400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");

    public override string ToString() => $"{Code} ({StatusCode}): {Message}";
}
