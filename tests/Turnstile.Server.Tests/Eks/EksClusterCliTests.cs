using System.Text.Json;
using Turnstile.Server.Tests.EndToEnd;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Eks;

/// <summary>The unmodified aws CLI through EKS clusters, authentication-mode updates, node groups and tags.</summary>
public class EksClusterCliTests(EksCliFixture aws) : IClassFixture<EksCliFixture>
{
    [AwsCliFact]
    public async Task Cluster_lifecycle()
    {
        var created = (await aws.CreateCluster("life")).GetProperty("cluster");
        Assert.Equal(ClusterArn("life"), created.GetProperty("arn").GetString());
        Assert.Equal("CREATING", created.GetProperty("status").GetString());
        Assert.False(created.TryGetProperty("endpoint", out _));
        Assert.Equal("{}", Compact(created.GetProperty("certificateAuthority")));
        Assert.Equal("""{"bootstrapClusterCreatorAdminPermissions":true,"authenticationMode":"CONFIG_MAP"}""",
            Compact(created.GetProperty("accessConfig")));

        var cluster = (await aws.Ok("eks", "describe-cluster", "--name", "life")).GetProperty("cluster");
        Assert.Equal("ACTIVE", cluster.GetProperty("status").GetString());
        Assert.Equal("https://127.0.0.1:6443/clusters/life", cluster.GetProperty("endpoint").GetString());
        Assert.Equal((await aws.Eks.GetCertificateAuthorityAsync()).CertificateAuthorityData, cluster.GetProperty("certificateAuthority").GetProperty("data").GetString());
        Assert.Equal(created.GetProperty("createdAt").GetDouble(), cluster.GetProperty("createdAt").GetDouble());
        Assert.Equal(["subnet-0a1", "subnet-0b2"], Strings(cluster.GetProperty("resourcesVpcConfig").GetProperty("subnetIds")));
        Assert.Contains("life", Strings((await aws.Ok("eks", "list-clusters")).GetProperty("clusters")));

        Assert.Equal(Error("ResourceInUseException", "CreateCluster", "Cluster already exists with name: life"),
            await aws.Fails("eks", "create-cluster", "--name", "life", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2"));
        Assert.Equal(Error("InvalidParameterException", "CreateCluster",
                "bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP"),
            await aws.Fails("eks", "create-cluster", "--name", "nobootstrap", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2",
                "--access-config", "authenticationMode=CONFIG_MAP,bootstrapClusterCreatorAdminPermissions=false"));
        Assert.Equal(Error("ResourceNotFoundException", "DescribeCluster", "No cluster found for name: nobootstrap."),
            await aws.Fails("eks", "describe-cluster", "--name", "nobootstrap"));

        var deleting = (await aws.Ok("eks", "delete-cluster", "--name", "life")).GetProperty("cluster");
        Assert.Equal("DELETING", deleting.GetProperty("status").GetString());
        Assert.Equal(Error("ResourceNotFoundException", "DescribeCluster", "No cluster found for name: life."),
            await aws.Fails("eks", "describe-cluster", "--name", "life"));
        Assert.DoesNotContain("life", Strings((await aws.Ok("eks", "list-clusters")).GetProperty("clusters")));
        Assert.Equal(Error("ResourceNotFoundException", "DeleteCluster", "No cluster found for name: life."),
            await aws.Fails("eks", "delete-cluster", "--name", "life"));
    }

    [AwsCliFact]
    public async Task Authentication_mode_moves_one_step_forward_at_a_time()
    {
        await aws.CreateCluster("modes");
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from CONFIG_MAP to CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=CONFIG_MAP"));
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from CONFIG_MAP to API"),
            await aws.Fails("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=API"));
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "No changes needed for the cluster configuration."),
            await aws.Fails("eks", "update-cluster-config", "--name", "modes"));
        Assert.Equal(Error("ResourceNotFoundException", "UpdateClusterConfig", "No cluster found for name: ghost."),
            await aws.Fails("eks", "update-cluster-config", "--name", "ghost", "--access-config", "authenticationMode=API"));

        var first = (await aws.Ok("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=API_AND_CONFIG_MAP")).GetProperty("update");
        Assert.Equal("InProgress", first.GetProperty("status").GetString());
        Assert.Equal("AccessConfigUpdate", first.GetProperty("type").GetString());
        Assert.Equal("""[{"type":"AuthenticationMode","value":"\"API_AND_CONFIG_MAP\""}]""", Compact(first.GetProperty("params")));
        Assert.Equal(0, first.GetProperty("errors").GetArrayLength());
        var firstId = first.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", firstId);

        var done = (await aws.Ok("eks", "describe-update", "--name", "modes", "--update-id", firstId)).GetProperty("update");
        Assert.Equal("Successful", done.GetProperty("status").GetString());
        Assert.Equal("API_AND_CONFIG_MAP", (await aws.Ok("eks", "describe-cluster", "--name", "modes"))
            .GetProperty("cluster").GetProperty("accessConfig").GetProperty("authenticationMode").GetString());

        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=CONFIG_MAP"));
        Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", "Unsupported authentication mode update from API_AND_CONFIG_MAP to API_AND_CONFIG_MAP"),
            await aws.Fails("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"));

        var second = (await aws.Ok("eks", "update-cluster-config", "--name", "modes", "--access-config", "authenticationMode=API")).GetProperty("update");
        var secondId = second.GetProperty("id").GetString()!;
        Assert.Equal([firstId, secondId], Strings((await aws.Ok("eks", "list-updates", "--name", "modes")).GetProperty("updateIds")));
        Assert.Equal("Successful", (await aws.Ok("eks", "describe-update", "--name", "modes", "--update-id", secondId)).GetProperty("update").GetProperty("status").GetString());
        foreach (var back in new[] { "API_AND_CONFIG_MAP", "CONFIG_MAP", "API" })
            Assert.Equal(Error("InvalidParameterException", "UpdateClusterConfig", $"Unsupported authentication mode update from API to {back}"),
                await aws.Fails("eks", "update-cluster-config", "--name", "modes", "--access-config", $"authenticationMode={back}"));

        Assert.Equal(Error("ResourceNotFoundException", "DescribeUpdate", "No update found for ID: 00000000-0000-0000-0000-000000000000"),
            await aws.Fails("eks", "describe-update", "--name", "modes", "--update-id", "00000000-0000-0000-0000-000000000000"));
        Assert.Equal(Error("ResourceNotFoundException", "ListUpdates", "No cluster found for name: ghost."),
            await aws.Fails("eks", "list-updates", "--name", "ghost"));
    }

    [AwsCliFact]
    public async Task Node_groups_let_their_role_in()
    {
        var nodeRole = await aws.CreateRole("ng-nodes");
        await aws.CreateCluster("ng-api", "API");

        var created = (await aws.Ok("eks", "create-nodegroup", "--cluster-name", "ng-api", "--nodegroup-name", "workers", "--node-role", nodeRole,
            "--subnets", "subnet-0a1", "subnet-0b2", "--scaling-config", "minSize=1,maxSize=3,desiredSize=3")).GetProperty("nodegroup");
        Assert.Equal("CREATING", created.GetProperty("status").GetString());
        Assert.StartsWith($"arn:aws:eks:{DefaultRegion}:{Account}:nodegroup/ng-api/workers/", created.GetProperty("nodegroupArn").GetString());
        var nodegroup = (await aws.Ok("eks", "describe-nodegroup", "--cluster-name", "ng-api", "--nodegroup-name", "workers")).GetProperty("nodegroup");
        Assert.Equal("ACTIVE", nodegroup.GetProperty("status").GetString());
        Assert.Equal(nodeRole, nodegroup.GetProperty("nodeRole").GetString());
        Assert.Equal(3, nodegroup.GetProperty("scalingConfig").GetProperty("desiredSize").GetInt32());
        Assert.Equal(["workers"], Strings((await aws.Ok("eks", "list-nodegroups", "--cluster-name", "ng-api")).GetProperty("nodegroups")));
        Assert.Equal(Error("ResourceInUseException", "CreateNodegroup", "NodeGroup already exists with name workers and cluster name ng-api"),
            await aws.Fails("eks", "create-nodegroup", "--cluster-name", "ng-api", "--nodegroup-name", "workers", "--node-role", nodeRole, "--subnets", "subnet-0a1"));

        // In an API mode EKS gives the node role an EC2_LINUX entry of its own.
        var entry = (await aws.Ok("eks", "describe-access-entry", "--cluster-name", "ng-api", "--principal-arn", nodeRole)).GetProperty("accessEntry");
        Assert.Equal("EC2_LINUX", entry.GetProperty("type").GetString());
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", entry.GetProperty("username").GetString());
        Assert.Equal(["system:nodes"], Strings(entry.GetProperty("kubernetesGroups")));
        Assert.StartsWith($"arn:aws:eks:{DefaultRegion}:{Account}:access-entry/ng-api/role/{Account}/ng-nodes/", entry.GetProperty("accessEntryArn").GetString());
        Assert.Equal(Error("InvalidParameterException", "UpdateAccessEntry", "This operation can only be performed on Access Entries with a type of \"STANDARD\"."),
            await aws.Fails("eks", "update-access-entry", "--cluster-name", "ng-api", "--principal-arn", nodeRole, "--kubernetes-groups", "ops"));
        Assert.Equal(Error("ResourceInUseException", "CreateAccessEntry", "The specified access entry resource is already in use on this cluster."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "ng-api", "--principal-arn", nodeRole, "--type", "EC2_LINUX"));

        Assert.Equal(Error("ResourceInUseException", "DeleteCluster", "Cluster has nodegroups attached"),
            await aws.Fails("eks", "delete-cluster", "--name", "ng-api"));
        Assert.Equal("DELETING", (await aws.Ok("eks", "delete-nodegroup", "--cluster-name", "ng-api", "--nodegroup-name", "workers"))
            .GetProperty("nodegroup").GetProperty("status").GetString());
        Assert.Equal(Error("ResourceNotFoundException", "DescribeNodegroup", "No node group found for name: workers."),
            await aws.Fails("eks", "describe-nodegroup", "--cluster-name", "ng-api", "--nodegroup-name", "workers"));
        // The entry EKS made goes with the last node group of its role.
        Assert.Equal(Error("ResourceNotFoundException", "DescribeAccessEntry",
                "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."),
            await aws.Fails("eks", "describe-access-entry", "--cluster-name", "ng-api", "--principal-arn", nodeRole));
        Assert.Equal(0, (await aws.Ok("eks", "list-nodegroups", "--cluster-name", "ng-api")).GetProperty("nodegroups").GetArrayLength());
        await aws.Ok("eks", "delete-cluster", "--name", "ng-api");
    }

    [AwsCliFact]
    public async Task Node_groups_of_a_config_map_cluster_get_an_aws_auth_row_then_an_entry_when_entries_are_enabled()
    {
        var nodeRole = await aws.CreateRole("cm-nodes", "/eks/");
        await aws.CreateCluster("ng-cm");
        await aws.Ok("eks", "create-nodegroup", "--cluster-name", "ng-cm", "--nodegroup-name", "ng-1", "--node-role", nodeRole, "--subnets", "subnet-0a1");

        var mapRoles = (await aws.AwsAuthData("ng-cm"))!["mapRoles"];
        Assert.Equal(
            $"- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: {IamArn("role/cm-nodes")}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n",
            mapRoles);
        Assert.Equal(Error("InvalidRequestException", "DescribeAccessEntry",
                "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."),
            await aws.Fails("eks", "describe-access-entry", "--cluster-name", "ng-cm", "--principal-arn", nodeRole));

        await aws.Ok("eks", "update-cluster-config", "--name", "ng-cm", "--access-config", "authenticationMode=API_AND_CONFIG_MAP");
        var entries = Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "ng-cm")).GetProperty("accessEntries"));
        Assert.Equal([ServiceLinkedRole, nodeRole, IamArn("user/admin")], entries);
        var entry = (await aws.Ok("eks", "describe-access-entry", "--cluster-name", "ng-cm", "--principal-arn", nodeRole)).GetProperty("accessEntry");
        Assert.Equal("EC2_LINUX", entry.GetProperty("type").GetString());
        Assert.Equal(mapRoles, (await aws.AwsAuthData("ng-cm"))!["mapRoles"]);
    }

    [AwsCliFact]
    public async Task Tags_on_clusters_node_groups_and_access_entries()
    {
        var nodeRole = await aws.CreateRole("tag-nodes");
        var clusterArn = ClusterArn("tagged");
        await aws.Ok("eks", "create-cluster", "--name", "tagged", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2",
            "--access-config", "authenticationMode=API", "--tags", "team=blue");
        // turnstile serve seeds the new cluster's Kubernetes content in the same commit.
        Assert.NotNull(aws.Runtime.Cache.Current.Get("/kube/tagged/core/namespaces/kube-system"));
        Assert.NotNull(aws.Runtime.Cache.Current.Get("/kube/tagged/rbac.authorization.k8s.io/clusterrolebindings/cluster-admin"));
        Assert.Equal("""{"team":"blue"}""", Compact((await aws.Ok("eks", "list-tags-for-resource", "--resource-arn", clusterArn)).GetProperty("tags")));
        await aws.Ok("eks", "tag-resource", "--resource-arn", clusterArn, "--tags", "env=dev,cost=42");
        await aws.Ok("eks", "untag-resource", "--resource-arn", clusterArn, "--tag-keys", "team");
        Assert.Equal("""{"cost":"42","env":"dev"}""",
            Compact((await aws.Ok("eks", "list-tags-for-resource", "--resource-arn", clusterArn)).GetProperty("tags")));
        Assert.Equal("""{"cost":"42","env":"dev"}""",
            Compact((await aws.Ok("eks", "describe-cluster", "--name", "tagged")).GetProperty("cluster").GetProperty("tags")));

        var nodegroupArn = (await aws.Ok("eks", "create-nodegroup", "--cluster-name", "tagged", "--nodegroup-name", "ng", "--node-role", nodeRole,
            "--subnets", "subnet-1", "--tags", "pool=general")).GetProperty("nodegroup").GetProperty("nodegroupArn").GetString()!;
        await aws.Ok("eks", "tag-resource", "--resource-arn", nodegroupArn, "--tags", "spot=no");
        Assert.Equal("""{"pool":"general","spot":"no"}""",
            Compact((await aws.Ok("eks", "list-tags-for-resource", "--resource-arn", nodegroupArn)).GetProperty("tags")));

        var entryArn = (await aws.Ok("eks", "describe-access-entry", "--cluster-name", "tagged", "--principal-arn", IamArn("user/admin")))
            .GetProperty("accessEntry").GetProperty("accessEntryArn").GetString()!;
        await aws.Ok("eks", "tag-resource", "--resource-arn", entryArn, "--tags", "owner=platform");
        Assert.Equal("""{"owner":"platform"}""", Compact((await aws.Ok("eks", "describe-access-entry", "--cluster-name", "tagged", "--principal-arn", IamArn("user/admin")))
            .GetProperty("accessEntry").GetProperty("tags")));
        await aws.Ok("eks", "untag-resource", "--resource-arn", entryArn, "--tag-keys", "owner");
        Assert.Equal("{}", Compact((await aws.Ok("eks", "list-tags-for-resource", "--resource-arn", entryArn)).GetProperty("tags")));

        var missing = ClusterArn("nothing-here");
        Assert.Equal(Error("NotFoundException", "ListTagsForResource", $"Resource {missing} was not found"),
            await aws.Fails("eks", "list-tags-for-resource", "--resource-arn", missing));
        Assert.Equal(Error("BadRequestException", "TagResource", "Tag keys starting with 'aws:' are reserved for AWS use: aws:owner"),
            await aws.Fails("eks", "tag-resource", "--resource-arn", clusterArn, "--tags", "aws:owner=me"));
        Assert.Equal(Error("BadRequestException", "TagResource", "Invalid resource ARN: not-an-arn"),
            await aws.Fails("eks", "tag-resource", "--resource-arn", "not-an-arn", "--tags", "a=b"));
        Assert.Equal("""{"cost":"42","env":"dev"}""",
            Compact((await aws.Ok("eks", "list-tags-for-resource", "--resource-arn", clusterArn)).GetProperty("tags")));
    }
}
