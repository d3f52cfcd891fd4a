using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>
/// Maps a verified IAM identity to a Kubernetes user the way EKS does: a chain of <see cref="IIdentityMapper"/>s
/// picked by the cluster's authentication mode (aws-iam-authenticator's mapper chain). <c>API</c>: access entries;
/// <c>API_AND_CONFIG_MAP</c>: access entries, then aws-auth; <c>CONFIG_MAP</c>: the hidden cluster creator, then aws-auth.
/// </summary>
public sealed class IdentityMapper
{
    public const string ClusterCreatorUsername = ClusterCreatorMapper.Username;
    public const string NotMappedError = "identity is not mapped";

    private readonly AccessEntryMapper _entries;
    private readonly IIdentityMapper[] _chain;

    public IdentityMappingConfig Config { get; }

    public IdentityMapper(IdentityMappingConfig config)
    {
        Config = config;
        _entries = new AccessEntryMapper(config.AccessEntries, config.Instances);
        var chain = new List<IIdentityMapper>();
        if (config.Mode.UsesAccessEntries()) chain.Add(_entries);
        if (config.Mode == AuthenticationMode.ConfigMap && config.ClusterCreatorArn is { } creator) chain.Add(new ClusterCreatorMapper(creator));
        if (config.Mode.UsesConfigMap()) chain.Add(new ConfigMapMapper(config.AwsAuth, config.Instances, config.SsoRoleMatch));
        _chain = chain.ToArray();
    }

    /// <summary>The sources this cluster's mode consults, in order.</summary>
    public IReadOnlyList<IIdentityMapper> Chain => _chain;

    /// <summary>Finds the access entry for a canonical ARN (role paths ignored), if any.</summary>
    public AccessEntry? FindAccessEntry(string canonicalArn) => _entries.Find(canonicalArn);

    /// <summary>Maps an identity; with <paramref name="explain"/> the result carries a trace of every source consulted.</summary>
    public MappingResult Map(AwsIdentity identity, bool explain = false)
    {
        var trace = explain ? new List<string>() : null;
        var mode = Config.Mode;
        trace?.Add($"authentication mode {mode.ToWire()}: " + mode switch
        {
            AuthenticationMode.ConfigMap => "aws-auth ConfigMap only",
            AuthenticationMode.ApiAndConfigMap => "access entries first, then the aws-auth ConfigMap",
            _ => "access entries only (aws-auth is ignored)",
        });
        foreach (var mapper in _chain)
            if (mapper.Map(identity, trace) is { } result) return result;
        trace?.Add(NotMappedError);
        return new MappingResult { Error = NotMappedError, Trace = (IReadOnlyList<string>?)trace ?? [] };
    }

    public static string UidOf(AwsIdentity identity) => MappedUsers.UidOf(identity);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraOf(AwsIdentity identity) => MappedUsers.ExtraOf(identity);
}
