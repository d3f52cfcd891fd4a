using System.Text;
using System.Text.Json;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using YamlDotNet.RepresentationModel;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Walkthroughs;

/// <summary>
/// Walkthrough W1 (seed 000), AWS side: a bastion host whose aws CLI profile assumes role <c>bastion</c> reaches
/// EKS once the role may describe the cluster, and gets a kubeconfig whose user runs <c>aws eks get-token</c>.
/// </summary>
public class W1BastionTests(EksCliFixture aws) : IClassFixture<EksCliFixture>
{
    private const string Session = "bastion-session";
    private static readonly string AssumedRoleArn = $"arn:aws:sts::{Account}:assumed-role/bastion/{Session}";

    [AwsCliFact]
    public async Task Bastion_profile_gets_a_kubeconfig_and_tokens_for_its_cluster()
    {
        // The admin's side: the cluster, the bastion's own user and role `bastion` it may assume.
        await aws.CreateCluster("my-cluster");
        var cluster = (await aws.Ok("eks", "describe-cluster", "--name", "my-cluster")).GetProperty("cluster");
        await aws.CreateUser("bastion-host");
        var hostKeys = KeyOf(await aws.Ok("iam", "create-access-key", "--user-name", "bastion-host"));
        await aws.Ok("iam", "create-role", "--role-name", "bastion", "--assume-role-policy-document", TrustPolicy(IamArn("user/bastion-host")));

        using var home = new CliHome();
        home.AddKeys("host", hostKeys);
        home.AddProfile("bastion", ("role_arn", IamArn("role/bastion")), ("source_profile", "host"), ("role_session_name", Session),
            ("region", DefaultRegion), ("output", "json"));
        var bastion = home.Environment("bastion");
        async Task<AwsCliResult> Run(params string[] args) => await aws.RunAsync(args, environment: bastion);

        // 1. The profile assumes the role through STS.
        var identity = (await Run("sts", "get-caller-identity")).EnsureSuccess().Json;
        Assert.Equal(AssumedRoleArn, identity.GetProperty("Arn").GetString());

        // 2. Without an identity policy, update-kubeconfig cannot describe the cluster.
        var denied = await Run("eks", "update-kubeconfig", "--name", "my-cluster");
        Assert.Equal(255, denied.ExitCode);
        Assert.Equal(Error("AccessDeniedException", "DescribeCluster",
                $"User: {AssumedRoleArn} is not authorized to perform: eks:DescribeCluster on resource: {ClusterArn("my-cluster")} " +
                "because no identity-based policy allows the eks:DescribeCluster action"),
            denied.Stderr.Trim());
        Assert.False(File.Exists(home.KubeconfigFile));

        // 3. With eks:Describe*, eks:List* and ec2:Describe* it writes the kubeconfig.
        await aws.Ok("iam", "put-role-policy", "--role-name", "bastion", "--policy-name", "eks-read", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:Describe*","eks:List*","ec2:Describe*"],"Resource":"*"}]}""");
        Assert.Contains("my-cluster", Strings((await Run("eks", "list-clusters")).EnsureSuccess().Json.GetProperty("clusters")));
        var written = (await Run("eks", "update-kubeconfig", "--name", "my-cluster")).EnsureSuccess();
        var clusterArn = ClusterArn("my-cluster");
        Assert.Equal($"Added new context {clusterArn} to {home.KubeconfigFile}", written.Stdout.Trim());

        var kubeconfig = LoadYaml(home.KubeconfigFile);
        Assert.Equal(clusterArn, Scalar(kubeconfig, "current-context"));
        var clusterEntry = Single(kubeconfig, "clusters");
        Assert.Equal(clusterArn, Scalar(clusterEntry, "name"));
        Assert.Equal(cluster.GetProperty("endpoint").GetString(), Scalar(clusterEntry, "cluster", "server"));
        Assert.Equal("https://127.0.0.1:6443/clusters/my-cluster", Scalar(clusterEntry, "cluster", "server"));
        Assert.Equal(cluster.GetProperty("certificateAuthority").GetProperty("data").GetString(), Scalar(clusterEntry, "cluster", "certificate-authority-data"));
        var context = Single(kubeconfig, "contexts");
        Assert.Equal(clusterArn, Scalar(context, "context", "cluster"));
        Assert.Equal(clusterArn, Scalar(context, "context", "user"));
        var user = Single(kubeconfig, "users");
        Assert.Equal(clusterArn, Scalar(user, "name"));
        var exec = (YamlMappingNode)Node(user, "user", "exec");
        Assert.Equal("client.authentication.k8s.io/v1beta1", Scalar(exec, "apiVersion"));
        Assert.Equal("aws", Scalar(exec, "command"));
        Assert.Equal(["--region", DefaultRegion, "eks", "get-token", "--cluster-name", "my-cluster", "--output", "json"],
            ((YamlSequenceNode)Node(exec, "args")).Select(n => ((YamlScalarNode)n).Value));
        var env = ((YamlSequenceNode)Node(exec, "env")).Cast<YamlMappingNode>().Single();
        Assert.Equal("AWS_PROFILE", Scalar(env, "name"));
        Assert.Equal("bastion", Scalar(env, "value"));

        // What kubectl will run: get-token prints an ExecCredential with a presigned GetCallerIdentity URL.
        var before = DateTimeOffset.UtcNow;
        var credential = (await Run("eks", "get-token", "--cluster-name", "my-cluster")).EnsureSuccess().Json;
        Assert.Equal("ExecCredential", credential.GetProperty("kind").GetString());
        Assert.Equal("client.authentication.k8s.io/v1beta1", credential.GetProperty("apiVersion").GetString());
        Assert.Equal("{}", Compact(credential.GetProperty("spec")));
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", credential.GetProperty("status").GetProperty("expirationTimestamp").GetString());
        var token = credential.GetProperty("status").GetProperty("token").GetString()!;

        Assert.StartsWith("k8s-aws-v1.", token);
        var url = new Uri(Encoding.UTF8.GetString(Base64UrlDecode(token["k8s-aws-v1.".Length..])));
        Assert.Equal(aws.Endpoint.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/", url.AbsolutePath);
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("GetCallerIdentity", query["Action"]);
        Assert.Equal("2011-06-15", query["Version"]);
        Assert.Equal("60", query["X-Amz-Expires"]);
        Assert.Contains("x-k8s-aws-id", query["X-Amz-SignedHeaders"].Split(';'));
        Assert.Matches($"^ASIA[A-Z2-7]{{16}}/[0-9]{{8}}/{DefaultRegion}/sts/aws4_request$", query["X-Amz-Credential"]);

        // The token verifies as aws-iam-authenticator would verify it, for this cluster only.
        var verifier = new EksTokenVerifier(new EksTokenVerifierOptions { LocalStsEndpoints = [aws.Endpoint.GetLeftPart(UriPartial.Authority)] });
        Assert.True(verifier.TryVerify(token, "my-cluster", SecretFromIam, out var verified, out var error), error?.Message);
        Assert.True(verified.Request.IsLocalEndpoint);
        Assert.InRange(verified.Request.Date, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(aws.TryResolve(verified.Signature.AccessKeyId, out var signer));
        Assert.Equal(AssumedRoleArn, signer.Caller.Arn);

        Assert.False(verifier.TryVerify(token, "other-cluster", SecretFromIam, out _, out var wrongCluster));
        Assert.Equal(EksTokenErrorKind.Sts, wrongCluster.Kind);
        Assert.Equal(SigV4ErrorCodes.SignatureDoesNotMatch, wrongCluster.Signature?.Code);
    }

    /// <summary>The secret STS would check a presigned request with: the key's, when the session token matches.</summary>
    private SigV4Secret SecretFromIam(SigV4Request request) =>
        aws.TryResolve(request.AccessKeyId, out var resolved) && resolved.Active && resolved.SessionToken == request.SessionToken
            ? resolved.SecretAccessKey
            : null;

    private static byte[] Base64UrlDecode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode Node(YamlMappingNode map, params string[] path)
    {
        YamlNode node = map;
        foreach (var key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string? Scalar(YamlMappingNode map, params string[] path) => ((YamlScalarNode)Node(map, path)).Value;

    private static YamlMappingNode Single(YamlMappingNode map, string list) => ((YamlSequenceNode)Node(map, list)).Cast<YamlMappingNode>().Single();
}
