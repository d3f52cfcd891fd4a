using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.Core.Mapping;

namespace Turnstile.Core.Tests.Mapping;

public class IdentityMapperTests
{
    private const string Account = "111122223333";

    private static AwsIdentity User(string name, string id = "AIDAEXAMPLEUSER000001", string key = "AKIAEXAMPLE") =>
        AwsIdentity.FromCallerIdentity($"arn:aws:iam::{Account}:user/{name}", Account, id, key);

    private static AwsIdentity RoleSession(string role, string session, string id = "AROAEXAMPLEROLE000001") =>
        AwsIdentity.FromCallerIdentity($"arn:aws:sts::{Account}:assumed-role/{role}/{session}", Account, $"{id}:{session}", "ASIAEXAMPLE");

    private static IdentityMapper Mapper(AuthenticationMode mode, string? mapRoles = null, string? mapUsers = null, string? mapAccounts = null,
        IReadOnlyList<AccessEntry>? entries = null, string? creator = null, IReadOnlyDictionary<string, string>? instances = null, bool configMap = true)
    {
        var data = new Dictionary<string, string>();
        if (mapRoles is not null) data["mapRoles"] = mapRoles;
        if (mapUsers is not null) data["mapUsers"] = mapUsers;
        if (mapAccounts is not null) data["mapAccounts"] = mapAccounts;
        return new IdentityMapper(new IdentityMappingConfig
        {
            Mode = mode,
            AwsAuth = configMap ? AwsAuthConfig.Parse(data) : null,
            AccessEntries = entries ?? [],
            ClusterCreatorArn = creator,
            Instances = new InstanceDnsTable(instances ?? new Dictionary<string, string>()),
        });
    }

    [Fact]
    public void Maps_a_role_row_with_uid_and_extra()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, mapRoles: $"- rolearn: arn:aws:iam::{Account}:role/bastion\n  username: bastion\n  groups: [system:masters]\n");
        var result = mapper.Map(RoleSession("bastion", "i-0abc"));
        Assert.Equal(MappingSource.AwsAuthMapRoles, result.Source);
        var user = result.User!;
        Assert.Equal("bastion", user.Username);
        Assert.Equal($"aws-iam-authenticator:{Account}:AROAEXAMPLEROLE000001", user.Uid);
        Assert.Equal(["system:masters"], user.Groups);
        Assert.Equal([$"arn:aws:sts::{Account}:assumed-role/bastion/i-0abc"], user.Extra["arn"]);
        Assert.Equal([$"arn:aws:iam::{Account}:role/bastion"], user.Extra["canonicalArn"]);
        Assert.Equal(["i-0abc"], user.Extra["sessionName"]);
        Assert.Equal(["ASIAEXAMPLE"], user.Extra["accessKeyId"]);
        Assert.Equal(["AROAEXAMPLEROLE000001"], user.Extra["principalId"]);
        Assert.Equal(["AROAEXAMPLEROLE000001"], user.Extra["sigs.k8s.io/aws-iam-authenticator/principalId"]);
        Assert.Equal(["system:masters", "system:authenticated"], result.AuthenticatedUser!.Groups);
    }

    [Fact]
    public void Matching_is_case_insensitive_and_the_last_duplicate_wins()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, mapUsers:
            $"- userarn: arn:aws:iam::{Account}:user/OPS-user\n  username: first\n" +
            $"- userarn: arn:aws:iam::{Account}:user/ops-user\n  username: second\n");
        Assert.Equal("second", mapper.Map(User("ops-user")).User!.Username);
    }

    [Fact]
    public void A_role_row_with_a_path_never_matches_and_says_why()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, mapRoles: $"- rolearn: arn:aws:iam::{Account}:role/team/devs/deployer\n  username: deployer\n");
        var result = mapper.Map(RoleSession("deployer", "s"), explain: true);
        Assert.False(result.IsMapped);
        Assert.Equal(IdentityMapper.NotMappedError, result.Error);
        Assert.Contains(result.Trace, t => t.Contains("with a path", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_arn_under_mapRoles_still_matches()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, mapRoles: $"- rolearn: arn:aws:iam::{Account}:user/alice\n  username: alice\n");
        Assert.Equal("alice", mapper.Map(User("alice")).User!.Username);
    }

    [Fact]
    public void Map_accounts_admits_any_principal_with_its_canonical_arn()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, mapAccounts: $"- \"{Account}\"\n");
        var result = mapper.Map(RoleSession("Test", "extra"));
        Assert.Equal(MappingSource.AwsAuthMapAccounts, result.Source);
        Assert.Equal($"arn:aws:iam::{Account}:role/Test", result.User!.Username);
        Assert.Empty(result.User.Groups);
        Assert.Equal([$"arn:aws:sts::{Account}:assumed-role/Test/extra"], result.User.Extra["arn"]);
    }

    [Fact]
    public void Node_rows_resolve_the_private_dns_name()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap,
            mapRoles: $"- rolearn: arn:aws:iam::{Account}:role/node\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups: [system:nodes, system:bootstrappers]\n",
            instances: new Dictionary<string, string> { ["i-0c6f21bf1f24f9708"] = "ip-172-31-27-14" });
        var result = mapper.Map(RoleSession("node", "i-0c6f21bf1f24f9708"));
        Assert.Equal("system:node:ip-172-31-27-14", result.User!.Username);
        Assert.Equal(["system:nodes", "system:bootstrappers"], result.User.Groups);
    }

    [Fact]
    public void A_session_that_is_not_an_instance_id_fails_the_template()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap,
            mapRoles: $"- rolearn: arn:aws:iam::{Account}:role/node\n  username: a-{{{{EC2PrivateDNSName}}}}-b\n");
        var result = mapper.Map(RoleSession("node", "i-aaaaa"));
        Assert.False(result.IsMapped);
        Assert.Equal("renderTemplates error: SessionName did not contain an instance id", result.Error);
    }

    [Theory]
    [InlineData("a-{{AccountID}}-b", "jdoe", "a-111122223333-b")]
    [InlineData("a-{{AccessKeyID}}-b", "jdoe", "a-ASIAEXAMPLE-b")]
    [InlineData("a-{{SessionName}}-b", "jdoe", "a-jdoe-b")]
    [InlineData("a-{{SessionName}}-b", "jdoe@example.com", "a-jdoe-example.com-b")]
    [InlineData("a-{{SessionNameRaw}}-b", "jdoe@example.com", "a-jdoe@example.com-b")]
    [InlineData("a-{{AccountID}}-{{SessionName}}-{{SessionNameRaw}}-b", "jdoe@example.com", "a-111122223333-jdoe-example.com-jdoe@example.com-b")]
    [InlineData("a-{{Session}}-b", "jdoe", "a-{{Session}}-b")]
    public void Renders_templates(string template, string session, string expected) =>
        Assert.Equal(expected, UsernameTemplate.Render(template, RoleSession("r", session), InstanceDnsTable.Empty));

    [Fact]
    public void Config_map_mode_maps_the_hidden_creator_to_system_masters()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, creator: $"arn:aws:iam::{Account}:user/admin");
        var result = mapper.Map(User("admin"));
        Assert.Equal(MappingSource.ClusterCreator, result.Source);
        Assert.Equal("kubernetes-admin", result.User!.Username);
        Assert.Equal(["system:masters"], result.User.Groups);
    }

    [Fact]
    public void Unmapped_identities_get_an_error()
    {
        var result = Mapper(AuthenticationMode.ConfigMap).Map(User("ops-user"));
        Assert.Null(result.User);
        Assert.Equal("identity is not mapped", result.Error);
    }

    private static AccessEntry Entry(string arn, string? username = null, string type = AccessEntryTypes.Standard, string[]? groups = null,
        string? principalId = null, params AssociatedAccessPolicy[] policies) => new()
    {
        ClusterName = "c",
        PrincipalArn = arn,
        Type = type,
        Username = username ?? AccessEntryRules.DefaultUsername(arn, type),
        KubernetesGroups = groups ?? AccessEntryRules.DefaultGroups(type).ToArray(),
        PrincipalId = principalId,
        AccessPolicies = policies,
    };

    [Fact]
    public void An_access_entry_overrides_the_config_map_row_in_api_and_config_map()
    {
        var mapper = Mapper(AuthenticationMode.ApiAndConfigMap,
            mapUsers: $"- userarn: arn:aws:iam::{Account}:user/dev\n  username: dev\n  groups: [system:masters]\n",
            entries: [Entry($"arn:aws:iam::{Account}:user/dev", groups: ["viewers"])]);
        var result = mapper.Map(User("dev"));
        Assert.Equal(MappingSource.AccessEntry, result.Source);
        Assert.Equal($"arn:aws:iam::{Account}:user/dev", result.User!.Username);
        Assert.Equal(["viewers"], result.User.Groups);
    }

    [Fact]
    public void Api_mode_ignores_aws_auth()
    {
        var mapper = Mapper(AuthenticationMode.Api, mapUsers: $"- userarn: arn:aws:iam::{Account}:user/dev\n  username: dev\n");
        Assert.False(mapper.Map(User("dev")).IsMapped);
    }

    [Fact]
    public void Config_map_mode_ignores_access_entries()
    {
        var mapper = Mapper(AuthenticationMode.ConfigMap, entries: [Entry($"arn:aws:iam::{Account}:user/dev")]);
        Assert.False(mapper.Map(User("dev")).IsMapped);
    }

    [Fact]
    public void A_role_entry_with_a_path_matches_the_session_and_renders_the_default_username()
    {
        var mapper = Mapper(AuthenticationMode.Api, entries: [Entry($"arn:aws:iam::{Account}:role/teams/tooling/devToolingOperator")]);
        var result = mapper.Map(RoleSession("devToolingOperator", "jane@example.com"));
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/devToolingOperator/jane-example.com", result.User!.Username);
    }

    [Fact]
    public void An_entry_bound_to_another_principal_id_no_longer_matches()
    {
        var mapper = Mapper(AuthenticationMode.Api, entries: [Entry($"arn:aws:iam::{Account}:user/dev", principalId: "AIDAOLDOLDOLDOLDOLD01")]);
        var result = mapper.Map(User("dev", id: "AIDANEWNEWNEWNEWNEW01"), explain: true);
        Assert.False(result.IsMapped);
        Assert.Contains(result.Trace, t => t.Contains("recreated", StringComparison.Ordinal));
        Assert.True(Mapper(AuthenticationMode.Api, entries: [Entry($"arn:aws:iam::{Account}:user/dev", principalId: "AIDAOLDOLDOLDOLDOLD01")])
            .Map(User("dev", id: "AIDAOLDOLDOLDOLDOLD01")).IsMapped);
    }

    [Fact]
    public void Node_entries_use_the_node_username_and_group()
    {
        var mapper = Mapper(AuthenticationMode.Api, entries: [Entry($"arn:aws:iam::{Account}:role/node", type: AccessEntryTypes.Ec2Linux)],
            instances: new Dictionary<string, string> { ["i-0123456789abcdef0"] = "ip-10-0-0-1.ec2.internal" });
        var result = mapper.Map(RoleSession("node", "i-0123456789abcdef0"));
        Assert.Equal("system:node:ip-10-0-0-1.ec2.internal", result.User!.Username);
        Assert.Equal(["system:nodes"], result.User.Groups);
    }
}

public class AccessEntryRulesTests
{
    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/my-user", "STANDARD", "arn:aws:iam::111122223333:user/my-user")]
    [InlineData("arn:aws:iam::111122223333:role/teams/tooling/devToolingOperator", "STANDARD", "arn:aws:sts::111122223333:assumed-role/devToolingOperator/{{SessionName}}")]
    [InlineData("arn:aws:iam::111122223333:role/node", "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}")]
    [InlineData("arn:aws:iam::111122223333:role/pod-exec", "FARGATE_LINUX", "system:node:{{SessionName}}")]
    public void Default_usernames(string arn, string type, string expected) =>
        Assert.Equal(expected, AccessEntryRules.DefaultUsername(arn, type));

    [Theory]
    [InlineData("system:admin", "The username must not begin with system:")]
    [InlineData("eks:x", "The username must not begin with eks:")]
    [InlineData("amazon:x", "The username must not begin with amazon:")]
    [InlineData("john{{SessionName}}", "The username template must contain a colon before the first template variable")]
    [InlineData(":john{{SessionName}}", null)]
    [InlineData("jo:hn{{SessionName}}", null)]
    [InlineData("plain-name", null)]
    public void Username_rules(string username, string? error) => Assert.Equal(error, AccessEntryRules.ValidateUsername(username));

    [Fact]
    public void Groups_may_not_start_with_system() =>
        Assert.Equal("The kubernetes group name system:masters is invalid, it cannot start with system:", AccessEntryRules.ValidateGroup("system:masters"));

    [Theory]
    [InlineData(AuthenticationMode.ConfigMap, AuthenticationMode.ApiAndConfigMap, true)]
    [InlineData(AuthenticationMode.ApiAndConfigMap, AuthenticationMode.Api, true)]
    [InlineData(AuthenticationMode.ConfigMap, AuthenticationMode.Api, false)]
    [InlineData(AuthenticationMode.Api, AuthenticationMode.ApiAndConfigMap, false)]
    [InlineData(AuthenticationMode.Api, AuthenticationMode.ConfigMap, false)]
    [InlineData(AuthenticationMode.ApiAndConfigMap, AuthenticationMode.ConfigMap, false)]
    [InlineData(AuthenticationMode.ApiAndConfigMap, AuthenticationMode.ApiAndConfigMap, false)]
    public void Mode_transitions_are_one_way_one_step(AuthenticationMode from, AuthenticationMode to, bool allowed) =>
        Assert.Equal(allowed, AuthenticationModes.CanTransition(from, to));

    [Fact]
    public void Transition_message() => Assert.Equal("Unsupported authentication mode update from CONFIG_MAP to API",
        AuthenticationModes.UnsupportedTransitionMessage(AuthenticationMode.ConfigMap, AuthenticationMode.Api));
}
