using BenchmarkDotNet.Attributes;
using Turnstile.Core.Authn;
using Turnstile.Core.Mapping;

namespace Turnstile.Benchmarks;

/// <summary>One identity mapping on the generated cluster: an aws-auth row and an access entry among 5,000 each.</summary>
[MemoryDiagnoser]
public class MappingBenchmarks
{
    private IdentityMapper _configMap = null!;
    private IdentityMapper _api = null!;
    private AwsIdentity _awsAuthUser = null!;
    private AwsIdentity _entryRole = null!;

    [GlobalSetup]
    public void Setup()
    {
        _configMap = new IdentityMapper(new IdentityMappingConfig { Mode = AuthenticationMode.ConfigMap, AwsAuth = GeneratedCluster.AwsAuth() });
        _api = new IdentityMapper(new IdentityMappingConfig { Mode = AuthenticationMode.Api, AccessEntries = GeneratedCluster.AccessEntries() });
        _awsAuthUser = GeneratedCluster.User(2_345);
        _entryRole = GeneratedCluster.EntryRoleSession(4_242);
        if (!_configMap.Map(_awsAuthUser).IsMapped || !_api.Map(_entryRole).IsMapped)
            throw new InvalidOperationException("benchmark identities are not mapped; generator changed");
    }

    [Benchmark]
    public bool AwsAuthRow() => _configMap.Map(_awsAuthUser).IsMapped;

    [Benchmark]
    public bool AccessEntryWithTemplate() => _api.Map(_entryRole).IsMapped;

    [Benchmark]
    public AccessEntry? AccessEntryLookupOnly() => _api.FindAccessEntry(_entryRole.CanonicalArn);
}
