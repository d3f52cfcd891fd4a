using Turnstile.Aws;
using Turnstile.Aws.Eks;
using Turnstile.Aws.Iam;
using Turnstile.Aws.Sts;

namespace Turnstile.Cli.Composition;

/// <summary>What the AWS endpoint hosts: the services, the credential source and the IAM policy enforcement.</summary>
public sealed record EmulatorServices(
    IReadOnlyList<IAwsService> Services,
    ICredentialSource Credentials,
    IRequestAuthorizer? Authorizer,
    EksService Eks);

/// <summary>The one place that builds the emulator's services over the shared state.</summary>
public static class EmulatorComposition
{
    public static EmulatorServices CreateServices(EmulatorState state)
    {
        // IAM owns principals and keys: it authenticates (credential source), enforces policies (authorizer)
        // and tells EKS which principals exist (directory).
        var iam = new IamService(state);
        var sts = new StsService(iam);
        var eks = new EksService(state, iam, state.Options.RealisticLatency ? EksTimings.Realistic : null);
        return new EmulatorServices([iam, sts, eks], iam, iam, eks);
    }
}
