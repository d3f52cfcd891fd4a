using Turnstile.Core.Mapping;
using Turnstile.Core.Snapshots;

namespace Turnstile.Core.Tests.Snapshots;

/// <summary>
/// Issue 6: the snapshot reader never crashes and never answers silently wrong. Each test is one class of defect
/// (most with the issue's own example): a parse error instead of a stack overflow, a named error instead of a silent
/// default, an error naming both files instead of a merge.
/// </summary>
public class SnapshotReaderTests
{
    private const string Cluster = """{"cluster":{"name":"c","arn":"arn:aws:eks:ap-northeast-2:111122223333:cluster/c","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP","bootstrapClusterCreatorAdminPermissions":true}}}""";

    private static Snapshot Read(params (string Name, string Content)[] files) =>
        SnapshotReader.Read(files.Select(f => new SnapshotFile(f.Name, f.Content)));

    private static string[] Errors(Snapshot snapshot) =>
        snapshot.Messages.Where(m => m.Level == SnapshotMessageLevel.Error).Select(m => m.ToString()).ToArray();

    private static string OnlyError(Snapshot snapshot) => Assert.Single(Errors(snapshot));

    private static string Entry(string fields) => "{\"accessEntry\":{\"principalArn\":\"arn:aws:iam::111122223333:user/u\"" + fields + "}}";

    [Theory]
    [InlineData("yaml block", 1_000)]
    [InlineData("yaml flow", 30_000)]
    [InlineData("json", 30_000)]
    public void Deep_nesting_is_a_parse_error_not_a_stack_overflow(string form, int depth)
    {
        var text = form switch
        {
            "yaml flow" => "a: " + new string('[', depth) + new string(']', depth),
            "json" => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
            _ => string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', i) + "a:\n")) + new string(' ', depth) + "b",
        };
        var error = OnlyError(Read(("deep", text)));
        Assert.StartsWith("deep: error: cannot be parsed as YAML or JSON", error);
        Assert.Contains("depth", error);
    }

    [Fact]
    public void Nesting_within_the_limit_reads()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"x\":", 200)) + "1" + new string('}', 200);
        var snapshot = Read(("cluster.json", Cluster), ("cm.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":" + nested + "}"));
        Assert.Empty(Errors(snapshot));
    }

    [Fact]
    public void Alias_bombs_are_refused()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++) lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        Assert.Contains("excessive aliasing", OnlyError(Read(("bomb.yaml", string.Join('\n', lines)))));
    }

    [Fact]
    public void An_alias_cannot_refer_to_the_node_that_holds_it()
    {
        Assert.Contains("unknown anchor 'a'", OnlyError(Read(("cycle.yaml", "kind: List\napiVersion: v1\nitems: &a [*a]\n"))));
    }

    [Theory]
    [InlineData("\"1e400\"", "createdAt: 1e400 is out of range for a time in epoch seconds")]
    [InlineData("1e400", "createdAt: 1e400 is out of range for a time in epoch seconds")]
    [InlineData("-1e300", "createdAt: -1e300 is out of range for a time in epoch seconds")]
    [InlineData("\"yesterday\"", "createdAt: 'yesterday' is not a time")]
    [InlineData("[1]", "createdAt: expected a time (ISO-8601 text or epoch seconds), got a list")]
    public void Times_are_range_checked(string value, string message)
    {
        var error = OnlyError(Read(("cluster.json", Cluster), ("entry.json", Entry($",\"createdAt\":{value}"))));
        Assert.StartsWith("entry.json: error: aws eks describe-access-entry: accessEntry." + message, error);
    }

    [Fact]
    public void Epoch_seconds_and_iso_times_both_read()
    {
        var snapshot = Read(("cluster.json", Cluster), ("a.json", Entry(",\"createdAt\":1.685475163532E9,\"modifiedAt\":\"2026-11-03T02:00:00+00:00\"")));
        Assert.Empty(Errors(snapshot));
        var entry = Assert.Single(snapshot.Model.AccessEntries);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_685_475_163_532), entry.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 2, 0, 0, TimeSpan.Zero), entry.ModifiedAt);
    }

    [Theory]
    [InlineData("""{"cluster":{"name":"c","accessConfig":{"authenticationMode":["API"]}}}""", "aws eks describe-cluster: cluster.accessConfig.authenticationMode: expected a string, got a list")]
    [InlineData("""{"cluster":{"name":"c","accessConfig":{"authenticationMode":"SOMETIMES"}}}""", "cluster.accessConfig.authenticationMode: SOMETIMES is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API")]
    [InlineData("""{"cluster":{"name":"c","accessConfig":{"bootstrapClusterCreatorAdminPermissions":"yes"}}}""", "cluster.accessConfig.bootstrapClusterCreatorAdminPermissions: expected true or false, got a string")]
    [InlineData("""{"cluster":{"name":5}}""", "cluster.name: expected a string, got a number (5)")]
    [InlineData("""{"cluster":{"arn":"arn:aws:eks:r:1:cluster/c"}}""", "cluster.name: missing required field")]
    [InlineData("""{"cluster":{"name":"c","accessConfig":"API"}}""", "cluster.accessConfig: expected an object, got a string")]
    public void Describe_cluster_fields_are_type_checked(string json, string message)
    {
        Assert.Contains(message, OnlyError(Read(("cluster.json", json))));
    }

    [Theory]
    [InlineData(",\"type\":\"BOGUS\"", "accessEntry.type: BOGUS is not an access entry type (STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX)")]
    [InlineData(",\"kubernetesGroups\":\"g\"", "accessEntry.kubernetesGroups: expected a list, got a string")]
    [InlineData(",\"kubernetesGroups\":[\"g\",7]", "accessEntry.kubernetesGroups[1]: expected a string, got a number (7)")]
    [InlineData(",\"username\":{\"a\":1}", "accessEntry.username: expected a string, got an object")]
    public void Access_entry_fields_are_type_checked(string fields, string message)
    {
        Assert.Contains(message, OnlyError(Read(("cluster.json", Cluster), ("entry.json", Entry(fields)))));
    }

    [Theory]
    [InlineData("""{"accessEntry":{"principalArn":["arn:aws:iam::111122223333:user/u"]}}""", "accessEntry.principalArn: expected a string, got a list")]
    [InlineData("""{"accessEntry":{"principalArn":"arn:aws:iam::1234:user/u"}}""", "account '1234' is not a 12-digit AWS account id")]
    [InlineData("""{"accessEntry":{"principalArn":"arn:aws:sts::111122223333:assumed-role/r/session"}}""", "is not an IAM user or role ARN")]
    [InlineData("""{"principalArn":{"arn":"x"},"associatedAccessPolicies":[]}""", "principalArn: expected a string, got an object")]
    [InlineData("""{"principalArn":7,"associatedAccessPolicies":[]}""", "principalArn: expected a string, got a number (7)")]
    [InlineData("""{"principalArn":"arn:aws:iam::111122223333:user/u","associatedAccessPolicies":"all"}""", "associatedAccessPolicies: expected a list, got a string")]
    [InlineData("""{"principalArn":"arn:aws:iam::111122223333:user/u","associatedAccessPolicies":["p"]}""", "associatedAccessPolicies[0]: expected an object, got a string")]
    [InlineData("""{"principalArn":"arn:aws:iam::111122223333:user/u","associatedAccessPolicies":[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"galaxy"}}]}""", "accessScope.type: galaxy is not an access scope type (cluster, namespace)")]
    public void Principal_arns_and_policy_lists_are_type_checked(string json, string message)
    {
        Assert.Contains(message, OnlyError(Read(("cluster.json", Cluster), ("input.json", json))));
    }

    [Theory]
    [InlineData("? [a, b]\n: c\n", "mapping keys must be scalars")]
    [InlineData("? {a: b}\n: c\n", "mapping keys must be scalars")]
    [InlineData("principalIds:\n  ? [arn]\n  : AIDA\n", "mapping keys must be scalars")]
    [InlineData("principalIds: [a]\n", "principalIds: expected an object, got a list")]
    [InlineData("principalIds:\n  arn:aws:iam::111122223333:user/u: [AIDA]\n", "principalIds.arn:aws:iam::111122223333:user/u: expected a string, got a list")]
    [InlineData("principalIds:\n  not-an-arn: AIDA\n", "principalIds: arn 'not-an-arn' is invalid")]
    [InlineData("accountId: 111122223333\n", "accountId: expected a string, got a number (111122223333)")]
    [InlineData("accountId: \"1234\"\n", "accountId: '1234' is not a 12-digit AWS account id")]
    [InlineData("bootstrapClusterCreatorAdminPermissions: maybe\n", "bootstrapClusterCreatorAdminPermissions: expected true or false, got a string")]
    [InlineData("ec2Instances: i-1\n", "ec2Instances: expected an object, got a string")]
    public void Snapshot_context_fields_are_type_checked(string yaml, string message)
    {
        var text = "apiVersion: turnstile.dev/v1alpha1\nkind: SnapshotContext\n" + yaml;
        Assert.Contains(message, OnlyError(Read(("context.yaml", text))));
    }

    [Fact]
    public void Unique_inputs_given_twice_are_errors_naming_both_files()
    {
        const string awsAuth = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata: {mapRoles: ''}\n";
        const string context = "apiVersion: turnstile.dev/v1alpha1\nkind: SnapshotContext\nclusterName: c\n";
        var snapshot = Read(("a/cm.yaml", awsAuth), ("b/cm.yaml", awsAuth), ("one.json", Cluster), ("two.json", Cluster),
            ("ctx1.yaml", context), ("ctx2.yaml", context), ("e1.json", Entry("")), ("e2.json", Entry("")),
            ("rbac.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"));
        Assert.Equal(
        [
            "b/cm.yaml: error: the aws-auth ConfigMap is also in a/cm.yaml; a/ and b/ look like two snapshots: pass one of them to --snapshot",
            "two.json: error: `aws eks describe-cluster` output is also in one.json; a snapshot holds one cluster's state, so keep one of them",
            "ctx2.yaml: error: a SnapshotContext is also in ctx1.yaml; a snapshot holds one cluster's state, so keep one of them",
            "e2.json: error: the access entry of arn:aws:iam::111122223333:user/u is also in e1.json; a snapshot holds one cluster's state, so keep one of them",
            "rbac.yaml: error: ClusterRole r is twice in this file; a snapshot holds one cluster's state, so keep one of them",
        ], Errors(snapshot));
    }

    [Fact]
    public void Nothing_that_describes_a_cluster_is_an_error()
    {
        Assert.Equal("(snapshot): error: nothing here describes a cluster: no Kubernetes objects, `aws eks` output or SnapshotContext", OnlyError(Read()));
        var onlyEmpty = Read(("empty.yaml", "# nothing\n"));
        Assert.Contains("(snapshot): error: nothing here describes a cluster", OnlyError(onlyEmpty));
        Assert.Contains(onlyEmpty.Messages, m => m.ToString() == "empty.yaml: warning: is empty");
    }

    [Theory]
    [InlineData("mapRoles", "mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/a\n     username: broken-indent\n")]
    [InlineData("mapUsers", "mapUsers: |\n    userarn: arn:aws:iam::111122223333:user/a\n")]
    public void A_section_that_does_not_parse_is_a_warning_saying_eks_drops_it(string section, string data)
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  " + data;
        var snapshot = Read(("aws-auth.yaml", text));
        Assert.Empty(Errors(snapshot));
        var warning = Assert.Single(snapshot.Messages, m => m.Level == SnapshotMessageLevel.Warning);
        Assert.StartsWith($"aws-auth.yaml: warning: aws-auth {section} cannot be parsed (", warning.ToString());
        Assert.EndsWith($"EKS drops the whole {section} section, so none of its rows map anyone", warning.ToString());
    }

    /// <summary>Found by the fuzzer: YamlDotNet reports a bad surrogate escape with an ArgumentOutOfRangeException.</summary>
    [Theory]
    [InlineData("a: \"\\udc00x\"\n")]
    [InlineData("a: \"\\ud800\"\n")]
    public void Bad_escapes_in_yaml_are_parse_errors(string yaml)
    {
        Assert.StartsWith("bad.yaml: error: cannot be parsed as YAML or JSON", OnlyError(Read(("bad.yaml", yaml))));
    }

    /// <summary>Found by the fuzzer: System.Text.Json decodes strings lazily, so a lone surrogate escape threw on read.</summary>
    [Fact]
    public void Lone_surrogate_escapes_in_json_are_parse_errors()
    {
        Assert.StartsWith("bad.json: error: cannot be parsed as YAML or JSON",
            OnlyError(Read(("bad.json", """{"cluster":{"name":"\ud800"}}"""))));
    }

    [Fact]
    public void A_section_nested_too_deep_is_dropped_not_a_crash()
    {
        var data = new Dictionary<string, string> { ["mapRoles"] = new string('[', 30_000) + new string(']', 30_000) };
        var config = AwsAuthConfig.Parse(data);
        Assert.Equal("mapRoles", Assert.Single(config.DroppedSections).Section);
        Assert.Contains("exceeded max depth", config.DroppedSections[0].Reason);
    }
}
