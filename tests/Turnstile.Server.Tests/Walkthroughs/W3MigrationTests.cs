using Turnstile.Aws.Eks;
using Turnstile.Core.AccessPolicies;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W3 (seed 002), AWS side: a CONFIG_MAP cluster with aws-auth rows moves to access entries, then to
/// API only; steps 1-3 (up to list-access-policies) and 5, with the CLI's exact error lines.
/// </summary>
public class W3MigrationTests(EksCliFixture aws) : IClassFixture<EksCliFixture>
{
    [AwsCliFact]
    public async Task Migrate_aws_auth_rows_to_access_entries_then_to_api_only()
    {
        var bastion = await aws.CreateRole("w3-bastion");
        var ops = await aws.CreateUser("w3-ops");
        await aws.CreateCluster("w3");
        // The rows a `kubectl edit configmap -n kube-system aws-auth` would have written (no Kubernetes front in this host).
        await aws.WriteAwsAuth("w3", new Dictionary<string, string>
        {
            ["mapRoles"] = $"- rolearn: {bastion}\n  username: bastion\n  groups:\n  - system:masters\n",
            ["mapUsers"] = $"- userarn: {ops}\n  username: ops-user\n  groups:\n  - ops-viewers\n",
        });

        // 1. CONFIG_MAP: access entries are not enabled.
        Assert.Equal(Error("InvalidRequestException", "CreateAccessEntry",
                "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "w3", "--principal-arn", bastion));

        // 2. Enable them: the update runs, then succeeds, and the cluster reports the mode.
        var update = (await aws.Ok("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"))
            .GetProperty("update");
        Assert.Equal("InProgress", update.GetProperty("status").GetString());
        var updateId = update.GetProperty("id").GetString()!;
        Assert.Equal("Successful", (await aws.Ok("eks", "describe-update", "--name", "w3", "--update-id", updateId)).GetProperty("update").GetProperty("status").GetString());
        var cluster = (await aws.Ok("eks", "describe-cluster", "--name", "w3")).GetProperty("cluster");
        Assert.Equal("ACTIVE", cluster.GetProperty("status").GetString());
        Assert.Equal("API_AND_CONFIG_MAP", cluster.GetProperty("accessConfig").GetProperty("authenticationMode").GetString());
        // The ConfigMap is still there and still read.
        Assert.Equal(2, (await aws.AwsAuthData("w3"))!.Count);

        // 3. One entry per row. system:masters is not a group entries may carry; the cluster admin policy stands in for it.
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The kubernetes group name system:masters is invalid, it cannot start with system:"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "w3", "--principal-arn", bastion, "--username", "bastion",
                "--kubernetes-groups", "system:masters"));
        var bastionEntry = (await aws.Ok("eks", "create-access-entry", "--cluster-name", "w3", "--principal-arn", bastion, "--username", "bastion"))
            .GetProperty("accessEntry");
        Assert.Equal("bastion", bastionEntry.GetProperty("username").GetString());
        Assert.Equal(0, bastionEntry.GetProperty("kubernetesGroups").GetArrayLength());
        var admin = (await aws.Ok("eks", "associate-access-policy", "--cluster-name", "w3", "--principal-arn", bastion,
            "--policy-arn", ClusterAdminPolicy, "--access-scope", "type=cluster")).GetProperty("associatedAccessPolicy");
        Assert.Equal("""{"type":"cluster","namespaces":[]}""", Compact(admin.GetProperty("accessScope")));
        var opsEntry = (await aws.Ok("eks", "create-access-entry", "--cluster-name", "w3", "--principal-arn", ops, "--username", "ops-user",
            "--kubernetes-groups", "ops-viewers")).GetProperty("accessEntry");
        Assert.Equal("STANDARD", opsEntry.GetProperty("type").GetString());
        Assert.Equal(["ops-viewers"], Strings(opsEntry.GetProperty("kubernetesGroups")));
        Assert.Equal([ServiceLinkedRole, bastion, IamArn("user/admin"), ops],
            Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "w3")).GetProperty("accessEntries")));
        Assert.Equal([bastion, IamArn("user/admin")],
            Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "w3", "--associated-policy-arn", ClusterAdminPolicy)).GetProperty("accessEntries")));

        var catalogue = (await aws.Ok("eks", "list-access-policies")).GetProperty("accessPolicies").EnumerateArray()
            .Select(p => (Name: p.GetProperty("name").GetString()!, Arn: p.GetProperty("arn").GetString()!)).ToArray();
        Assert.Equal(AccessPolicyCatalog.All.Select(p => p.Name), catalogue.Select(p => p.Name));
        Assert.Equal(catalogue.Select(p => p.Name).Order(StringComparer.Ordinal), catalogue.Select(p => p.Name));
        Assert.All(catalogue, p => Assert.Equal(PolicyPrefix + p.Name, p.Arn));
        foreach (var name in new[] { "AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy" })
            Assert.Contains(name, catalogue.Select(p => p.Name));

        // 5. On to API; no way back, no skipping, no "update" to the same mode.
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=CONFIG_MAP"));
        var toApi = (await aws.Ok("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=API")).GetProperty("update");
        Assert.Equal("InProgress", toApi.GetProperty("status").GetString());
        Assert.Equal("API", (await aws.Ok("eks", "describe-cluster", "--name", "w3")).GetProperty("cluster").GetProperty("accessConfig")
            .GetProperty("authenticationMode").GetString());
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API to API_AND_CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"));
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API to CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=CONFIG_MAP"));
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API to API"),
            await aws.Fails("eks", "update-cluster-config", "--name", "w3", "--access-config", "authenticationMode=API"));
        Assert.Equal([updateId, toApi.GetProperty("id").GetString()!], Strings((await aws.Ok("eks", "list-updates", "--name", "w3")).GetProperty("updateIds")));

        await aws.CreateCluster("w3-skip");
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from CONFIG_MAP to API"),
            await aws.Fails("eks", "update-cluster-config", "--name", "w3-skip", "--access-config", "authenticationMode=API"));
        Assert.Equal("CONFIG_MAP", (await aws.Ok("eks", "describe-cluster", "--name", "w3-skip")).GetProperty("cluster").GetProperty("accessConfig")
            .GetProperty("authenticationMode").GetString());
    }
}
