using Turnstile.Aws.Eks;
using Turnstile.Core.Mapping;

namespace Turnstile.Aws.Tests.Eks;

public class AwsAuthEditorTests
{
    private const string Role = "arn:aws:iam::111122223333:role/nodes/NodeRole";

    [Fact]
    public void A_new_ConfigMap_gets_one_row_without_the_role_path()
    {
        var data = AwsAuthEditor.AddNodeRole(null, Role, windows: false)!;
        var row = Assert.Single(AwsAuthConfig.Parse(data).Roles);
        Assert.Equal("arn:aws:iam::111122223333:role/NodeRole", row.RoleArn);
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", row.Username);
    }

    [Fact]
    public void A_flow_style_list_is_rewritten_with_the_new_row()
    {
        var data = AwsAuthEditor.AddNodeRole(new Dictionary<string, string> { ["mapRoles"] = "[{rolearn: 'arn:aws:iam::111122223333:role/a', username: a, groups: [g]}]" }, Role, false)!;
        var roles = AwsAuthConfig.Parse(data).Roles;
        Assert.Equal(["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/NodeRole"], roles.Select(r => r.RoleArn));
        Assert.Equal(["g"], roles[0].Groups);
    }

    [Fact]
    public void An_empty_list_is_replaced()
    {
        var data = AwsAuthEditor.AddNodeRole(new Dictionary<string, string> { ["mapRoles"] = "[]" }, Role, false)!;
        Assert.Single(AwsAuthConfig.Parse(data).Roles);
    }

    [Fact]
    public void A_row_for_the_same_role_is_not_duplicated()
    {
        var once = AwsAuthEditor.AddNodeRole(null, Role, false)!;
        Assert.Equal(once["mapRoles"], AwsAuthEditor.AddNodeRole(once, "arn:aws:iam::111122223333:role/NODEROLE", false)!["mapRoles"]);
    }

    [Fact]
    public void Broken_yaml_is_left_alone()
    {
        Assert.Null(AwsAuthEditor.AddNodeRole(new Dictionary<string, string> { ["mapRoles"] = "- rolearn: [unclosed" }, Role, false));
    }

    [Fact]
    public void Removal_keeps_other_rows_and_rows_for_the_role_with_other_usernames()
    {
        var data = new Dictionary<string, string>
        {
            ["mapRoles"] = "- rolearn: arn:aws:iam::111122223333:role/NodeRole\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:nodes]\n" +
                           "- rolearn: arn:aws:iam::111122223333:role/NodeRole\n  username: debug\n" +
                           "- rolearn: arn:aws:iam::111122223333:role/other\n  username: other\n",
        };
        var result = AwsAuthEditor.RemoveNodeRole(data, Role)!;
        Assert.Equal(["debug", "other"], AwsAuthConfig.Parse(result).Roles.Select(r => r.Username));
        Assert.Null(AwsAuthEditor.RemoveNodeRole(result, Role));
    }
}
