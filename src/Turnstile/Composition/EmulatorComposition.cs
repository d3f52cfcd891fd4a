using Turnstile.Aws;
using Turnstile.Core.Arns;

namespace Turnstile.Cli.Composition;

/// <summary>What the AWS endpoint hosts: the services, the credential source and the IAM policy enforcement.</summary>
public sealed record EmulatorServices(
    IReadOnlyList<IAwsService> Services,
    ICredentialSource Credentials,
    IRequestAuthorizer? Authorizer);

/// <summary>The one place that builds the emulator's services over the shared state.</summary>
public static class EmulatorComposition
{
    public static EmulatorServices CreateServices(EmulatorState state)
    {
        // TODO(lead): construct the IAM and STS services (they implement ICredentialSource, IRequestAuthorizer and
        // IIamDirectory) and the EKS service over `state`, and return them here, e.g.
        //   var iam = new IamService(state); var sts = new StsService(state, iam); var eks = new EksService(state, iam);
        //   return new EmulatorServices([iam, sts, eks], iam, iam);
        // Until then the endpoint hosts no service and only knows the bootstrap admin key.
        return new EmulatorServices([], new BootstrapAdminCredentials(state.Options), null);
    }

    // TODO(lead): remove once the IAM service is the credential source.
    private sealed class BootstrapAdminCredentials(EmulatorOptions options) : ICredentialSource
    {
        private readonly ResolvedCredentials _admin = new(options.AdminSecretAccessKey, null, null, true, new Caller
        {
            Arn = $"arn:{options.Partition}:iam::{options.AccountId}:user/{options.AdminUserName}",
            AccountId = options.AccountId,
            UserId = "AIDA" + options.AccountId,
            Type = PrincipalType.User,
            AccessKeyId = options.AdminAccessKeyId,
            PrincipalName = options.AdminUserName,
        });

        public bool TryResolve(string accessKeyId, out ResolvedCredentials credentials)
        {
            credentials = _admin;
            return accessKeyId == options.AdminAccessKeyId;
        }
    }
}
