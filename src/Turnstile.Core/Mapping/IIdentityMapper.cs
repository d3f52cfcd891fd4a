using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>
/// One source of identity mappings (aws-iam-authenticator's <c>mapper.Mapper</c>): access entries, the hidden
/// cluster creator, the aws-auth ConfigMap. The authentication mode decides which sources form the chain.
/// </summary>
public interface IIdentityMapper
{
    /// <summary>
    /// Null when this source does not know the identity (the chain asks the next one); otherwise the final answer,
    /// which may be a failure (a template that does not render refuses the identity outright).
    /// </summary>
    /// <param name="trace">Lines explaining what was consulted, or null when nobody is explaining.</param>
    MappingResult? Map(AwsIdentity identity, List<string>? trace);
}
