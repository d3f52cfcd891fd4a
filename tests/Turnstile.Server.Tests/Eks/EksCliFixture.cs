using System.Text.Encodings.Web;
using System.Text.Json;
using Turnstile.Aws;
using Turnstile.Aws.Eks;
using Turnstile.Aws.Iam;
using Turnstile.Aws.State;
using Turnstile.Cli.Composition;
using Turnstile.Server.Tests.EndToEnd;

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

    private EmulatorServices? _services;

    public EksCliFixture() => Region = DefaultRegion;

    /// <summary>The hosted IAM service (credential source and authorizer).</summary>
    public IamService Iam => (IamService)Services.Credentials;

    /// <summary>The hosted EKS service, for the few checks the CLI cannot make (aws-auth, the CA's key).</summary>
    public EksService Eks => Services.Eks;

    private EmulatorServices Services => _services ?? throw new InvalidOperationException("the fixture has not been started");

    protected override EmulatorHostOptions CreateHostOptions()
    {
        _services = Compose(new InMemoryStateStore());
        return HostOptions(_services);
    }

    protected override AwsCliCredentials CreateCredentials() => Admin;

    /// <summary>The emulator's services over <paramref name="store"/>, built by the composition <c>turnstile serve</c> uses.</summary>
    public static EmulatorServices Compose(IStateStore store) =>
        EmulatorComposition.CreateServices(new EmulatorState(store, new EmulatorOptions()));

    public static EmulatorHostOptions HostOptions(EmulatorServices services) => new()
    {
        Services = services.Services,
        Credentials = services.Credentials,
        Authorizer = services.Authorizer,
        DefaultRegion = DefaultRegion,
    };

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
