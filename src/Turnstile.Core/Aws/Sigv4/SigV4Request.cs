namespace Turnstile.Core.Aws.Sigv4;

/// <summary>Where the signature of a request travels.</summary>
public enum SigV4AuthLocation
{
    /// <summary><c>Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...</c></summary>
    Header,
    /// <summary>Presigned URL: <c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, ... query parameters.</summary>
    Query,
}

/// <summary>The credential scope <c>yyyymmdd/region/service/aws4_request</c>.</summary>
public sealed record SigV4CredentialScope(string Date, string Region, string Service, string Terminator)
{
    public override string ToString() => $"{Date}/{Region}/{Service}/{Terminator}";
}

/// <summary>
/// The signature claims of a request, parsed and checked for shape and time but not yet verified.
/// Look up the secret for <see cref="AccessKeyId"/> (and <see cref="SessionToken"/>) and call
/// <see cref="SigV4Verifier.Verify"/>.
/// </summary>
public sealed record SigV4Request
{
    public required SigV4AuthLocation Location { get; init; }
    public required string AccessKeyId { get; init; }
    public required SigV4CredentialScope Scope { get; init; }

    /// <summary>Request time as it enters the string to sign (<c>yyyyMMddTHHmmssZ</c>).</summary>
    public required string AmzDate { get; init; }
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Signed header names, lowercase and sorted.</summary>
    public required IReadOnlyList<string> SignedHeaders { get; init; }
    public string? SessionToken { get; init; }
    public required string Signature { get; init; }

    /// <summary><c>X-Amz-Expires</c> of a presigned request, if present.</summary>
    public int? ExpiresSeconds { get; init; }

    public required SigV4HttpRequest Http { get; init; }

    internal string CredentialScopeText { get; init; } = "";
    internal string SignedHeadersLine { get; init; } = "";
    internal List<QueryParam>? Query { get; init; }
}
