namespace Turnstile.Core.Aws.Sigv4;

/// <summary>
/// What a secret lookup answers: the secret access key, or why there is none. A plain string converts implicitly;
/// null means "unknown key" (<c>InvalidClientTokenId</c>).
/// </summary>
public readonly record struct SigV4Secret(string? SecretAccessKey, SigV4Error? Error = null)
{
    public static implicit operator SigV4Secret(string? secretAccessKey) => new(secretAccessKey);

    public static SigV4Secret Fail(SigV4Error error) => new(null, error);

    public override string ToString() => Error is null ? "SigV4Secret { found }" : $"SigV4Secret {{ {Error} }}";
}
