using System.Collections.Frozen;
using System.Reflection;

namespace Turnstile.Core.Iam.Policies;

/// <summary>An AWS managed policy (<c>arn:aws:iam::aws:policy{Path}{Name}</c>) with its default version's document.</summary>
public sealed record AwsManagedPolicy
{
    public required string Name { get; init; }

    /// <summary><c>/</c> for most; some live under <c>/service-role/</c>, which then appears in the ARN.</summary>
    public required string Path { get; init; }

    public required string PolicyId { get; init; }
    public required string DefaultVersionId { get; init; }
    public required string Description { get; init; }
    public required DateTimeOffset CreateDate { get; init; }
    public required DateTimeOffset UpdateDate { get; init; }

    /// <summary>The default version's document, as JSON text.</summary>
    public required string Document { get; init; }

    /// <summary>True when <see cref="Document"/> is not AWS's published text but an approximation of it.</summary>
    public bool IsApproximate { get; init; }

    public string Arn => ArnIn(Arns.Partitions.Aws);

    public string ArnIn(string partition) => $"arn:{partition}:iam::aws:policy{Path}{Name}";
}

/// <summary>
/// The AWS managed policies the emulator knows. Ids, versions and dates are AWS's published values; documents are
/// the default versions as AWS published them (embedded <c>Managed/*.json</c>), except where marked approximate.
/// </summary>
public static class AwsManagedPolicies
{
    public static IReadOnlyList<AwsManagedPolicy> All { get; } =
    [
        Entry("AdministratorAccess", "/", "ANPAIWMBCKSKIEE64ZLYK", "v1", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z",
            "Provides full access to AWS services and resources."),
        // AWS's ReadOnlyAccess enumerates roughly three thousand read actions service by service and changes often.
        // This approximation grants the read verbs for every service, so it allows a little more than the real one
        // (for example secretsmanager:GetSecretValue and sts:GetFederationToken match *:Get*).
        Entry("ReadOnlyAccess", "/", "ANPAILL3HVNFSB6DCOWYQ", "v188", "2015-02-06T18:39:48Z", "2026-07-21T18:42:30Z",
            "Provides read-only access to AWS services and resources.", approximate: true),
        Entry("PowerUserAccess", "/", "ANPAJYRXTHIB4FOVS3ZXS", "v12", "2015-02-06T18:39:47Z", "2026-02-12T17:59:14Z",
            "Provides full access to AWS services and resources, but does not allow management of Users and groups."),
        Entry("IAMFullAccess", "/", "ANPAI7XKCFMBPM3QQRRVQ", "v2", "2015-02-06T18:40:38Z", "2019-06-21T19:40:00Z",
            "Provides full access to IAM via the AWS Management Console."),
        Entry("IAMReadOnlyAccess", "/", "ANPAJKSO7NDY4T57MWDSQ", "v4", "2015-02-06T18:40:39Z", "2018-01-25T19:11:27Z",
            "Provides read only access to IAM via the AWS Management Console."),
        Entry("IAMUserChangePassword", "/", "ANPAJ4L4MM2A7QIEB56MS", "v5", "2016-11-15T00:25:16Z", "2026-02-12T17:58:57Z",
            "Provides the ability for an IAM user to change their own password."),
        Entry("AmazonEKSClusterPolicy", "/", "ANPAIBTLDQMIC6UOIGFWA", "v10", "2018-05-27T21:06:14Z", "2026-02-12T17:58:15Z",
            "This policy provides Kubernetes the permissions it requires to manage resources on your behalf. Kubernetes requires " +
            "Ec2:CreateTags permissions to place identifying information on EC2 resources including but not limited to Instances, " +
            "Security Groups, and Elastic Network Interfaces."),
        Entry("AmazonEKSWorkerNodePolicy", "/", "ANPAIBVMOY52IPQ6HD3PO", "v3", "2018-05-27T21:09:01Z", "2023-11-27T00:06:13Z",
            "This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters."),
        Entry("AmazonEKS_CNI_Policy", "/", "ANPAJWLAS474LDBXNNTM4", "v6", "2018-05-27T21:07:42Z", "2026-03-04T19:12:14Z",
            "This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it requires to modify the IP address " +
            "configuration on your EKS worker nodes. This permission set allows the CNI to list, describe, and modify Elastic Network " +
            "Interfaces on your behalf. More information on the AWS VPC CNI Plugin is available here: https://github.com/aws/amazon-vpc-cni-k8s"),
        Entry("AmazonEKSServicePolicy", "/", "ANPAJFCNXU6HPGCIVXYDI", "v7", "2018-05-27T21:08:21Z", "2024-10-14T21:12:40Z",
            "This policy allows Amazon Elastic Container Service for Kubernetes to create and manage the necessary resources to operate EKS Clusters."),
        Entry("AmazonEKSVPCResourceController", "/", "ANPAZKAPJZG4PBOFT2NNA", "v1", "2020-08-12T00:55:34Z", "2020-08-12T00:55:34Z",
            "Policy used by VPC Resource Controller to manage ENI and IPs for worker nodes."),
        Entry("AmazonEC2ContainerRegistryReadOnly", "/", "ANPAIFYZPA37OOHVIH7KQ", "v3", "2015-12-21T17:04:15Z", "2019-12-10T20:56:32Z",
            "Provides read-only access to Amazon EC2 Container Registry repositories."),
        Entry("AmazonSSMManagedInstanceCore", "/", "ANPAIXSHM2BNB2D3AXXRU", "v2", "2019-03-15T17:22:12Z", "2019-05-23T16:54:21Z",
            "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality."),
        // The EKS Auto Mode policies' descriptions follow AWS's wording for the block storage one; the others are assumed to be parallel.
        Entry("AmazonEKSBlockStoragePolicy", "/", "ANPAZKAPJZG4GQTC6DJZH", "v1", "2024-10-30T20:18:13Z", "2024-10-30T20:18:13Z",
            "Policy attached to the EKS Cluster Role that grants permissions to manage the cluster's block storage resources."),
        Entry("AmazonEKSComputePolicy", "/", "ANPAZKAPJZG4HYRJHGSOQ", "v7", "2024-11-01T21:46:52Z", "2026-05-18T21:12:10Z",
            "Policy attached to the EKS Cluster Role that grants permissions to manage the cluster's compute resources."),
        Entry("AmazonEKSLoadBalancingPolicy", "/", "ANPAZKAPJZG4BAR6P5E2F", "v10", "2024-10-30T20:18:06Z", "2026-08-20T23:07:13Z",
            "Policy attached to the EKS Cluster Role that grants permissions to manage the cluster's load balancing resources."),
        Entry("AmazonEKSNetworkingPolicy", "/", "ANPAZKAPJZG4F2Z756CMC", "v3", "2024-10-28T22:34:33Z", "2026-08-21T17:27:32Z",
            "Policy attached to the EKS Cluster Role that grants permissions to manage the cluster's networking resources."),
        Entry("AmazonEBSCSIDriverPolicy", "/service-role/", "ANPAZKAPJZG4IV6FHD2UE", "v15", "2022-04-04T17:24:29Z", "2026-05-13T17:42:22Z",
            "IAM Policy that allows the CSI driver service account to make calls to related services such as EC2 on your behalf."),
    ];

    private static readonly FrozenDictionary<string, AwsManagedPolicy> ByArn = All.ToFrozenDictionary(p => p.Arn, StringComparer.Ordinal);
    private static readonly Lazy<FrozenDictionary<string, CompiledPolicy>> CompiledByArn = new(() =>
        All.ToFrozenDictionary(p => p.Arn, p => CompiledPolicy.Parse(p.Document, PolicyKind.Identity, p.Arn, PolicySourceType.AwsManaged)));
    private static readonly FrozenDictionary<string, AwsManagedPolicy> ByName = All.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Finds a policy by ARN (any partition) or by bare name.</summary>
    public static bool TryGet(string arnOrName, out AwsManagedPolicy policy)
    {
        if (ByName.TryGetValue(arnOrName, out policy!)) return true;
        if (ByArn.TryGetValue(arnOrName, out policy!)) return true;
        if (Arns.Arn.TryParse(arnOrName, out var arn, out _) && arn is { Service: "iam", Account: "aws" })
        {
            return ByArn.TryGetValue((arn with { Partition = Arns.Partitions.Aws }).ToString(), out policy!);
        }
        policy = null!;
        return false;
    }

    /// <summary>The compiled default version, labelled with the policy ARN (in the <c>aws</c> partition).</summary>
    public static CompiledPolicy Compiled(AwsManagedPolicy policy) => CompiledByArn.Value[policy.Arn];

    private static AwsManagedPolicy Entry(string name, string path, string id, string version, string created, string updated, string description, bool approximate = false) => new()
    {
        Name = name,
        Path = path,
        PolicyId = id,
        DefaultVersionId = version,
        CreateDate = DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture),
        UpdateDate = DateTimeOffset.Parse(updated, System.Globalization.CultureInfo.InvariantCulture),
        Description = description,
        Document = LoadDocument(name),
        IsApproximate = approximate,
    };

    private static string LoadDocument(string name)
    {
        var resource = $"Turnstile.Core.Iam.Policies.Managed.{name}.json";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"managed policy document {resource} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
