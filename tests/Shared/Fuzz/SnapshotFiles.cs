using CsCheck;

namespace Turnstile.Fuzzing;

/// <summary>Generators of snapshot directories' contents: mutated real exports and structurally plausible but wrong documents.</summary>
public static class SnapshotFiles
{
    private static readonly string[] Keys =
    [
        "cluster", "name", "arn", "accessConfig", "authenticationMode", "bootstrapClusterCreatorAdminPermissions", "accessEntry",
        "principalArn", "clusterName", "type", "username", "kubernetesGroups", "createdAt", "modifiedAt", "accessEntryArn",
        "associatedAccessPolicies", "policyArn", "accessScope", "namespaces", "associatedAt", "accessEntries", "accessPolicies",
        "apiVersion", "kind", "metadata", "namespace", "data", "mapRoles", "mapUsers", "mapAccounts", "rules", "verbs",
        "apiGroups", "resources", "resourceNames", "subjects", "roleRef", "items", "aggregationRule", "clusterRoleSelectors",
    ];

    private static readonly string[] Strings =
    [
        .. MalformedText.Arns, "API", "CONFIG_MAP", "API_AND_CONFIG_MAP", "BOGUS", "STANDARD", "EC2_LINUX", "cluster", "namespace",
        "2026-11-03T02:00:00.000000+00:00", "yesterday", "1e400", "v1", "rbac.authorization.k8s.io/v1", "ConfigMap", "ClusterRole",
        "ClusterRoleBinding", "Role", "RoleBinding", "List", "SnapshotContext", "turnstile.dev/v1alpha1", "kube-system", "aws-auth",
        "*", "get", "pods", "system:masters", "system:nodes", "{{SessionName}}", "{{EC2PrivateDNSName}}",
    ];

    private static readonly Gen<string> AwsAuthSection = Gen.Frequency(
        (3, MalformedText.Mutated(
        [
            "- rolearn: arn:aws:iam::111122223333:role/bastion\n  username: bastion\n  groups:\n    - system:masters\n",
            "- userarn: arn:aws:iam::111122223333:user/ops\n  username: ops\n  groups: [ops]\n",
            "- rolearn: arn:aws:iam::111122223333:role/node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n",
            "- \"111122223333\"\n",
        ])),
        (1, MalformedText.Json(Keys, Strings, 2)));

    private static readonly Gen<string> AwsAuth = Gen.Select(AwsAuthSection, AwsAuthSection, (roles, users) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n" +
        $"  mapRoles: {MalformedText.Quote(roles)}\n  mapUsers: {MalformedText.Quote(users)}\n");

    private static readonly Gen<string> Structured = Gen.OneOf(
        MalformedText.Json(Keys, Strings).Select(j => $"{{\"cluster\":{j}}}"),
        MalformedText.Json(Keys, Strings).Select(j => $"{{\"accessEntry\":{j}}}"),
        MalformedText.Json(Keys, Strings).Select(j => $"{{\"principalArn\":\"arn:aws:iam::111122223333:user/admin\",\"associatedAccessPolicies\":{j}}}"),
        MalformedText.Json(Keys, Strings).Select(j => $"{{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{{\"name\":\"r\"}},\"rules\":{j}}}"),
        MalformedText.Json(Keys, Strings).Select(j => $"apiVersion: turnstile.dev/v1alpha1\nkind: SnapshotContext\nprincipalIds: {j}\nec2Instances: {j}\n"),
        MalformedText.Json(Keys, Strings, 5),
        AwsAuth);

    /// <summary>One snapshot file's content.</summary>
    public static readonly Gen<string> Content = Gen.Frequency(
        (4, MalformedText.Mutated(FuzzSeeds.ExampleSnapshotFiles)),
        (1, Gen.OneOf(FuzzSeeds.ExampleSnapshotFiles.ToArray())),
        (3, Structured));

    /// <summary>The files of one snapshot: one to five contents under simple names.</summary>
    public static readonly Gen<(string Name, string Content)[]> Directory = Content.Array[1, 5]
        .Select(contents => contents.Select((c, i) => ($"f{i}.{(i % 2 == 0 ? "yaml" : "json")}", c)).ToArray());
}
