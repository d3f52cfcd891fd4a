using System.Text.Json.Nodes;
using Turnstile.Cli.IdentityMappings;
using Turnstile.Core.Mapping;

namespace Turnstile.Tests.IdentityMappings;

/// <summary>eksctl's aws-auth edits (pkg/authconfigmap) as <c>turnstile iamidentitymapping</c> makes them.</summary>
public sealed class AwsAuthEditorTests
{
    private const string Role = "arn:aws:iam::111122223333:role/ops";
    private const string User = "arn:aws:iam::111122223333:user/alice";

    private static AwsAuthEditor Editor(string? mapRoles = null, string? mapUsers = null, string? mapAccounts = null)
    {
        var data = new Dictionary<string, string>();
        if (mapRoles is not null) data["mapRoles"] = mapRoles;
        if (mapUsers is not null) data["mapUsers"] = mapUsers;
        if (mapAccounts is not null) data["mapAccounts"] = mapAccounts;
        return new AwsAuthEditor(data);
    }

    [Fact]
    public void Roles_go_to_mapRoles_and_users_to_mapUsers_and_the_authenticator_reads_them()
    {
        var editor = Editor();
        Assert.Equal(CreateOutcome.Added, editor.AddIdentity(Role, "ops", ["system:masters", "devs"], noDuplicateArns: false));
        Assert.Equal(CreateOutcome.Added, editor.AddIdentity(User, "", [], noDuplicateArns: false));
        Assert.Equal($"- rolearn: \"{Role}\"\n  username: \"ops\"\n  groups:\n  - \"system:masters\"\n  - \"devs\"\n", editor.Data["mapRoles"]);
        Assert.Equal($"- userarn: \"{User}\"\n", editor.Data["mapUsers"]);
        Assert.Equal([$"adding identity \"{Role}\" to auth ConfigMap", $"adding identity \"{User}\" to auth ConfigMap"], editor.Log);

        var parsed = AwsAuthConfig.Parse(editor.Data);
        Assert.Empty(parsed.Errors);
        Assert.Equal(Role, Assert.Single(parsed.Roles).RoleArn);
        Assert.Equal(["system:masters", "devs"], parsed.Roles[0].Groups);
        Assert.Equal(User, Assert.Single(parsed.Users).UserArn);
    }

    [Fact]
    public void Rows_and_fields_the_edit_does_not_touch_are_kept()
    {
        var editor = Editor(mapRoles: "- sso:\n    permissionSetName: Admin\n    accountID: \"111122223333\"\n  username: sso\n- rolearn: arn:aws:iam::111122223333:role/x\n  username: x\n  extra: kept\n");
        editor.AddIdentity(Role, "ops", [], noDuplicateArns: false);
        var text = editor.Data["mapRoles"];
        Assert.Contains("permissionSetName: Admin", text);
        Assert.Contains("extra: kept", text);
        Assert.Equal(3, new YamlDotNet.RepresentationModel.YamlStream().Let(s => { s.Load(new StringReader(text)); return ((YamlDotNet.RepresentationModel.YamlSequenceNode)s.Documents[0].RootNode).Children.Count; }));
    }

    [Fact]
    public void A_duplicate_arn_is_added_with_a_shadowing_warning()
    {
        var editor = Editor(mapRoles: $"- rolearn: {Role}\n  username: old\n");
        Assert.Equal(CreateOutcome.Added, editor.AddIdentity(Role, "new", [], noDuplicateArns: false));
        Assert.Equal($"warning: found existing mappings with same arn \"{Role}\" (which will be shadowed by your new mapping)", editor.Log[0]);
        Assert.Equal(["old", "new"], editor.Identities(Role).Select(r => r.Username));
    }

    [Fact]
    public void No_duplicate_arns_refuses_a_different_mapping_and_quits_on_the_same_one()
    {
        var data = $"- rolearn: {Role}\n  username: ops\n  groups:\n  - devs\n";
        var different = Editor(mapRoles: data);
        var e = Assert.Throws<MappingInputException>(() => different.AddIdentity(Role, "other", ["devs"], noDuplicateArns: true));
        Assert.Equal($"found existing mapping with the same arn \"{Role}\" and shadowing is disabled", e.Message);

        var same = Editor(mapRoles: data);
        Assert.Equal(CreateOutcome.AlreadyPresent, same.AddIdentity(Role, "ops", ["devs"], noDuplicateArns: true));
        Assert.Equal(["warning: found existing mapping that matches the one being created, quitting."], same.Log);
        Assert.Equal(data, same.Data["mapRoles"]);
    }

    [Theory]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:iam::111122223333:policy/p")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/ops/s")]
    public void Only_role_and_user_arns_are_accepted(string arn) =>
        Assert.Throws<MappingInputException>(() => Editor().AddIdentity(arn, "", [], noDuplicateArns: false));

    [Fact]
    public void Delete_removes_the_first_match_and_reports_how_many_remain()
    {
        var editor = Editor(mapRoles: $"- rolearn: {Role}\n  username: first\n- rolearn: arn:aws:iam::111122223333:role/other\n- rolearn: {Role}\n  username: second\n  groups: [devs]\n");
        Assert.Equal(1, editor.RemoveIdentity(Role, all: false));
        Assert.Equal(["second"], editor.Identities(Role).Select(r => r.Username));
        Assert.Equal($"removing identity \"{Role}\" from auth ConfigMap (username = \"first\", groups = [])", Assert.Single(editor.Log));
        Assert.Equal(0, editor.RemoveIdentity(Role, all: false));
        Assert.Equal($"removing identity \"{Role}\" from auth ConfigMap (username = \"second\", groups = [\"devs\"])", editor.Log[1]);
        Assert.Equal(["arn:aws:iam::111122223333:role/other"], editor.Rows().Select(r => r.Arn));
    }

    [Fact]
    public void Delete_all_removes_every_match_in_roles_and_users()
    {
        var arn = "arn:aws:iam::111122223333:user/dup";
        var editor = Editor(mapUsers: $"- userarn: {arn}\n- userarn: {User}\n- userarn: {arn}\n  username: b\n");
        Assert.Equal(0, editor.RemoveIdentity(arn, all: true));
        Assert.Equal([User], editor.Rows().Select(r => r.Arn));
        Assert.Equal(2, editor.Log.Count);
        Assert.Equal(0, Editor().RemoveIdentity(arn, all: true));
    }

    [Fact]
    public void Deleting_a_missing_arn_fails_with_eksctls_message()
    {
        var e = Assert.Throws<MappingNotFoundException>(() => Editor(mapRoles: "[]\n").RemoveIdentity(Role, all: false));
        Assert.Equal($"instance identity ARN \"{Role}\" not found in auth ConfigMap", e.Message);
    }

    [Fact]
    public void Accounts_are_distinct_and_sorted_and_removed_by_value()
    {
        var editor = Editor(mapAccounts: "- \"444455556666\"\n");
        editor.AddAccount("111122223333");
        editor.AddAccount("444455556666");
        Assert.Equal("- \"111122223333\"\n- \"444455556666\"\n", editor.Data["mapAccounts"]);
        Assert.Equal(["111122223333", "444455556666"], AwsAuthConfig.Parse(editor.Data).Accounts);
        Assert.Equal("adding account \"111122223333\" to auth ConfigMap", editor.Log[0]);
        editor.RemoveAccount("444455556666");
        Assert.Equal("- \"111122223333\"\n", editor.Data["mapAccounts"]);
        Assert.Equal("removing account \"444455556666\" from auth ConfigMap", editor.Log[^1]);
        Assert.Equal("account \"999999999999\" not found in auth ConfigMap",
            Assert.Throws<MappingNotFoundException>(() => editor.RemoveAccount("999999999999")).Message);
        Assert.Throws<MappingInputException>(() => editor.AddAccount("1234"));
    }

    [Fact]
    public void A_section_that_is_not_a_list_cannot_be_edited()
    {
        var e = Assert.Throws<MappingInputException>(() => Editor(mapRoles: "rolearn: x\n").AddIdentity(Role, "", [], noDuplicateArns: false));
        Assert.StartsWith("unmarshalling \"mapRoles\": ", e.Message);
    }

    [Fact]
    public void Get_lists_roles_then_users_then_accounts_in_a_table_and_as_json()
    {
        var editor = Editor(mapUsers: $"- userarn: {User}\n  username: alice\n", mapRoles: $"- rolearn: {Role}\n  username: ops\n  groups: [system:masters, devs]\n", mapAccounts: "- \"111122223333\"\n");
        var rows = editor.Rows();
        // kubectl's tabwriter: each column as wide as its widest cell plus 3.
        string Line(string arn, string username, string groups, string account) => arn.PadRight(User.Length + 3) + username.PadRight(8 + 3) + groups.PadRight(19 + 3) + account + "\n";
        Assert.Equal(
            Line("ARN", "USERNAME", "GROUPS", "ACCOUNT") + Line(Role, "ops", "system:masters,devs", "") + Line(User, "alice", "", "") + Line("", "", "", "111122223333"),
            IdentityMappingOutput.Table(rows));
        var json = IdentityMappingOutput.Document(rows);
        Assert.Equal(Role, json[0]!["rolearn"]!.GetValue<string>());
        Assert.Equal(["system:masters", "devs"], json[0]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(User, json[1]!["userarn"]!.GetValue<string>());
        Assert.Null(json[1]!["groups"]);
        Assert.Equal("111122223333", json[2]!["account"]!.GetValue<string>());
        Assert.Equal([User], editor.Identities(User).Select(r => r.Arn));
    }
}

internal static class LetExtension
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
