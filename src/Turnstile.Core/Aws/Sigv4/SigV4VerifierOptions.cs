namespace Turnstile.Core.Aws.Sigv4;

/// <summary>How long a presigned URL stays valid.</summary>
public enum PresignedExpiryPolicy
{
    /// <summary>Until <c>X-Amz-Date + X-Amz-Expires</c> (S3 semantics); the skew window when the parameter is absent.</summary>
    XAmzExpires,
    /// <summary>Within <see cref="SigV4VerifierOptions.MaxClockSkew"/> of <c>X-Amz-Date</c>, ignoring <c>X-Amz-Expires</c> (what STS does).</summary>
    SkewWindow,
}

public sealed record SigV4VerifierOptions
{
    public static SigV4VerifierOptions Default { get; } = new();

    /// <summary>Check the request time against the clock while parsing (off when the caller applies its own rules).</summary>
    public bool ValidateTime { get; init; } = true;

    /// <summary>Accepted distance between the request time and the server clock (AWS: 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    public PresignedExpiryPolicy PresignedExpiry { get; init; } = PresignedExpiryPolicy.XAmzExpires;

    /// <summary>Largest accepted <c>X-Amz-Expires</c> (AWS: 604800 seconds, 7 days).</summary>
    public int MaxPresignedExpiresSeconds { get; init; } = 604800;

    /// <summary>Remove dot segments and empty segments from the path (every service but S3).</summary>
    public bool NormalizePath { get; init; } = true;

    /// <summary>
    /// Also accept a presigned URL whose <c>X-Amz-Security-Token</c> was appended after signing (aws-c-auth's
    /// <c>post-sts-header-after</c> case). The token still identifies the session, so the caller must check that
    /// it belongs to the access key.
    /// </summary>
    public bool AcceptUnsignedPresignedSessionToken { get; init; } = true;

    /// <summary>Accept <c>X-Amz-Content-Sha256: UNSIGNED-PAYLOAD</c> (S3 style) instead of the body hash.</summary>
    public bool AllowUnsignedPayload { get; init; }
}
