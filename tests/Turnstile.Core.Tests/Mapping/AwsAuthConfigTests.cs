using Turnstile.Core.Mapping;

namespace Turnstile.Core.Tests.Mapping;

public class AwsAuthConfigTests
{
    private const string NodeRole = "arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6";

    private static AwsAuthConfig Parse(params (string Key, string Value)[] data) =>
        AwsAuthConfig.Parse(data.ToDictionary(d => d.Key, d => d.Value));

    [Fact]
    public void Parses_the_three_sections()
    {
        var config = Parse(
            ("mapRoles", $"- rolearn: {NodeRole}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups:\n  - system:bootstrappers\n  - system:nodes\n"),
            ("mapUsers", "- userarn: arn:aws:iam::555555555555:user/admin\n  username: admin\n  groups:\n  - system:masters\n"),
            ("mapAccounts", "- \"555555555555\"\n"));
        var role = Assert.Single(config.Roles);
        Assert.Equal(NodeRole, role.RoleArn);
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", role.Username);
        Assert.Equal(["system:bootstrappers", "system:nodes"], role.Groups);
        var user = Assert.Single(config.Users);
        Assert.Equal("admin", user.Username);
        Assert.Equal(["system:masters"], user.Groups);
        Assert.Equal(["555555555555"], config.Accounts);
        Assert.Empty(config.Errors);
    }

    [Fact]
    public void Field_names_match_case_insensitively()
    {
        var config = Parse(
            ("mapRoles", $"- rOlEaRn: {NodeRole}\n  UsErNaMe: node\n  GrOuPs: [a]\n"),
            ("mapUsers", "- userARN: arn:aws:iam::555555555555:user/admin\n  username: admin\n"));
        Assert.Equal(NodeRole, Assert.Single(config.Roles).RoleArn);
        Assert.Equal("node", config.Roles[0].Username);
        Assert.Equal(["a"], config.Roles[0].Groups);
        Assert.Equal("arn:aws:iam::555555555555:user/admin", Assert.Single(config.Users).UserArn);
    }

    [Fact]
    public void Misspelled_top_level_keys_map_nothing()
    {
        var config = Parse(("maproles", $"- rolearn: {NodeRole}\n  username: x\n"), ("MaPuSeRs", "- userarn: arn:aws:iam::1:user/a\n"));
        Assert.Empty(config.Roles);
        Assert.Empty(config.Users);
        Assert.Empty(config.Errors);
    }

    [Fact]
    public void A_misindented_group_item_becomes_one_group()
    {
        var config = Parse(("mapRoles", $"- rolearn: {NodeRole}\n  username: node\n  groups:\n    - system:bootstrappers\n     - system:nodes\n"));
        Assert.Equal(["system:bootstrappers - system:nodes"], Assert.Single(config.Roles).Groups);
    }

    [Fact]
    public void A_yaml_error_drops_only_its_own_section()
    {
        var config = Parse(
            ("mapRoles", $"- rolearn: {NodeRole}\n  username: node\n groups: [\n"),
            ("mapUsers", "- userarn: arn:aws:iam::555555555555:user/admin\n  username: admin\n"),
            ("mapAccounts", "- \"555555555555\"\n"));
        Assert.Empty(config.Roles);
        Assert.Single(config.Users);
        Assert.Single(config.Accounts);
        Assert.Contains(config.Errors, e => e.StartsWith("mapRoles:", StringComparison.Ordinal));
        Assert.StartsWith("error parsing config map: [", config.ErrorSummary);
    }

    [Fact]
    public void Invalid_rows_are_dropped_one_by_one()
    {
        var config = Parse(("mapRoles",
            "- username: no-arn\n" +
            $"- rolearn: {NodeRole}\n  username: good\n" +
            $"- rolearn: {NodeRole}\n  sso: {{permissionSetName: X, accountID: \"555555555555\"}}\n  username: both\n" +
            "- sso: {permissionSetName: X, accountID: \"0123456789\"}\n  username: bad-account\n"));
        Assert.Equal("good", Assert.Single(config.Roles).Username);
        Assert.Equal(
            ["mapRoles[0]: one of rolearn or SSO must be supplied",
             "mapRoles[2]: only one of rolearn or SSO can be supplied",
             "mapRoles[3]: AccountID '0123456789' is not a valid AWS Account ID"],
            config.Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("``")]
    [InlineData("\"\"")]
    [InlineData("''")]
    public void Blank_sections_are_skipped_without_error(string value)
    {
        var config = Parse(("mapRoles", value), ("mapUsers", value), ("mapAccounts", value));
        Assert.Equal(AwsAuthConfig.Empty.Roles, config.Roles);
        Assert.Empty(config.Errors);
    }

    [Fact]
    public void A_section_that_is_not_a_list_is_dropped_with_an_error()
    {
        var config = Parse(("mapRoles", $"rolearn: {NodeRole}\nusername: x\n"));
        Assert.Empty(config.Roles);
        Assert.Equal(["mapRoles: expected a list, got an object"], config.Errors);
    }

    [Fact]
    public void Unquoted_account_numbers_keep_their_text()
    {
        var config = Parse(("mapAccounts", "- 012345678901\n- 111122223333\n"));
        Assert.Equal(["012345678901", "111122223333"], config.Accounts);
    }

    [Fact]
    public void Sso_rows_build_the_authenticators_pattern()
    {
        var config = Parse(("mapRoles", "- sso:\n    permissionSetName: ViewOnlyAccess\n    accountID: \"012345678912\"\n  username: viewer\n"));
        Assert.Equal("arn:aws:iam::012345678912:role/awsreservedsso_viewonlyaccess_*", Assert.Single(config.Roles).SsoPattern);
    }
}
