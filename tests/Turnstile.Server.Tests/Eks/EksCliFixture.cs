using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Aws;
using Turnstile.Aws.Eks;
using Turnstile.Aws.Iam;
using Turnstile.Hosting;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.State;

namespace Turnstile.Server.Tests.Eks;

/// <summary>
/// IAM, STS and EKS composed exactly as <c>turnstile serve</c> composes them, over an in-memory store, behind the
/// in-process host; the CLI signs as the bootstrap admin in the emulator's default region.
/// </summary>
public class EksCliFixture : AwsCliFixture
{
    public const string Account = EmulatorOptions.DefaultAccountId;
    public const string DefaultRegion = EmulatorOptions.DefaultRegion;
    public const string PolicyPrefix = "arn:aws:eks::aws:cluster-access-policy/";
    public const string ClusterAdminPolicy = PolicyPrefix + "AmazonEKSClusterAdminPolicy";
    public const string ViewPolicy = PolicyPrefix + "AmazonEKSViewPolicy";
    public const string EditPolicy = PolicyPrefix + "AmazonEKSEditPolicy";
    public const string ServiceLinkedRole = $"arn:aws:iam::{Account}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS";
    public const string ClusterRole = $"arn:aws:iam::{Account}:role/eks-cluster";

    public static AwsCliCredentials Admin { get; } = new(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);

    private EmulatorRuntime? _runtime;

    public EksCliFixture() => Region = DefaultRegion;

    /// <summary>The replica the host serves, composed as <c>turnstile serve</c> composes it.</summary>
    public EmulatorRuntime Runtime => _runtime ?? throw new InvalidOperationException("the fixture has not been started");

    /// <summary>The hosted EKS service, for the few checks the CLI cannot make (aws-auth, the CA's key).</summary>
    public EksService Eks => Runtime.Eks;

    protected override async Task<EmulatorHostOptions> CreateHostOptionsAsync()
    {
        _runtime = await EmulatorRuntime.StartAsync(new InMemoryStore(), Options);
        Own(_runtime);
        return _runtime.HostOptions();
    }

    /// <summary>The emulator's options (a fixture that also serves the Kubernetes API sets its port to 0, a free one).</summary>
    protected virtual EmulatorOptions Options => new();

    protected override AwsCliCredentials CreateCredentials() => Admin;

    /// <summary>What IAM resolves an access key id to, in the current state.</summary>
    public bool TryResolve(string accessKeyId, out ResolvedCredentials credentials) =>
        Runtime.Iam.TryResolve(new OptimisticTransaction(Runtime.Cache.Current), accessKeyId, out credentials);

    /// <summary>The data of the cluster's stored <c>kube-system/aws-auth</c> ConfigMap (null when it has none).</summary>
    public async Task<IReadOnlyDictionary<string, string>?> AwsAuthData(string cluster) =>
        (await Eks.BuildAccessModelAsync(cluster)).AwsAuthData;

    /// <summary>Stores <c>kube-system/aws-auth</c> with <paramref name="data"/>, as <c>kubectl edit</c> through the Kubernetes front would.</summary>
    public Task WriteAwsAuth(string cluster, IReadOnlyDictionary<string, string> data) => Runtime.Cache.RunAsync(tx =>
    {
        var configMap = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = "aws-auth",
                ["namespace"] = "kube-system",
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["data"] = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        tx.Put(StateKey.KubeObject(cluster, "", "configmaps", "kube-system", "aws-auth"), JsonSerializer.SerializeToUtf8Bytes(configMap));
        return true;
    });

    public static string IamArn(string resource) => $"arn:aws:iam::{Account}:{resource}";

    public static string ClusterArn(string name) => $"arn:aws:eks:{DefaultRegion}:{Account}:cluster/{name}";

    /// <summary>Creates a cluster with two subnets (optionally in <paramref name="mode"/>) and returns its CreateCluster output.</summary>
    public Task<JsonElement> CreateCluster(string name, string? mode = null, AwsCliCredentials? credentials = null)
    {
        List<string> args = ["eks", "create-cluster", "--name", name, "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-0a1,subnet-0b2"];
        if (mode is not null) args.AddRange(["--access-config", $"authenticationMode={mode}"]);
        return Ok(credentials, [.. args]);
    }

    /// <summary>Creates an IAM role anyone in the account may assume and returns its ARN.</summary>
    public async Task<string> CreateRole(string name, string path = "/") =>
        (await Ok("iam", "create-role", "--role-name", name, "--path", path, "--assume-role-policy-document", TrustPolicy(IamArn("root"))))
        .GetProperty("Role").GetProperty("Arn").GetString()!;

    /// <summary>Creates an IAM user and returns its ARN.</summary>
    public async Task<string> CreateUser(string name) =>
        (await Ok("iam", "create-user", "--user-name", name)).GetProperty("User").GetProperty("Arn").GetString()!;

    public static string TrustPolicy(string principal) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":"sts:AssumeRole"}]}""";

    public static AwsCliCredentials KeyOf(JsonElement createAccessKeyOutput)
    {
        var key = createAccessKeyOutput.GetProperty("AccessKey");
        return new AwsCliCredentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }

    /// <summary>The element as compact JSON (the CLI indents its output).</summary>
    public static string Compact(JsonElement element) => JsonSerializer.Serialize(element, CompactOptions);

    private static readonly JsonSerializerOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>The CLI's error line for an EKS error.</summary>
    public static string Error(string code, string operation, string message) =>
        $"An error occurred ({code}) when calling the {operation} operation: {message}";
}
