using Microsoft.Extensions.Logging;
using Turnstile.Aws;
using Turnstile.State;

namespace Turnstile.Server;

/// <summary>What <see cref="EmulatorHost"/> serves and where.</summary>
public sealed record EmulatorHostOptions
{
    public const int DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>IP address or <c>localhost</c> to listen on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="EmulatorHost.Port"/>).</summary>
    public int Port { get; init; } = 4566;

    /// <summary>
    /// The services to host, one per SigV4 signing name. Each must have an embedded model (<c>iam</c>, <c>sts</c>,
    /// <c>eks</c>) unless <see cref="Models"/> supplies one for its signing name.
    /// </summary>
    public IReadOnlyList<IAwsService> Services { get; init; } = [];

    /// <summary>The replica's state cache: every call runs as one optimistic transaction over it.</summary>
    public required StateCache State { get; init; }

    /// <summary>Resolves access key ids to secrets and callers (the IAM/STS emulator).</summary>
    public required ICredentialSource Credentials { get; init; }

    /// <summary>IAM policy enforcement; null allows every authenticated call.</summary>
    public IRequestAuthorizer? Authorizer { get; init; }

    /// <summary>Extra or replacement service models by signing name (tests, services without an embedded model).</summary>
    public IReadOnlyDictionary<string, Model.ServiceModel>? Models { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Largest accepted request body. Larger bodies are refused with 413 (<c>RequestEntityTooLarge</c>) before any
    /// parsing; AWS's own limits for IAM/STS/EKS requests are far below 1 MiB.
    /// </summary>
    public int MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Region used for unsigned operations (AssumeRoleWithWebIdentity), which carry no credential scope.</summary>
    public string DefaultRegion { get; init; } = "us-east-1";

    /// <summary>Receives unhandled-exception reports; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
