using System.CommandLine;
using System.Text.Json;
using Turnstile.Cli.Collect;
using YamlDotNet.Serialization;

namespace Turnstile.Cli.Commands;

/// <summary>
/// <c>turnstile webhook-config --cluster NAME</c>: the kubeconfig files a real kube-apiserver takes to authenticate
/// EKS tokens (<c>--authentication-token-webhook-config-file</c>) and authorize with the cluster's EKS access policies
/// (<c>--authorization-webhook-config-file</c>) through the emulator. The cluster's endpoint and CA come from the
/// user's own <c>aws eks describe-cluster</c> (so its credentials, profile and AWS_ENDPOINT_URL apply).
/// </summary>
public static class WebhookConfigCommand
{
    public const string AuthenticationFile = "authentication-webhook.kubeconfig";
    public const string AuthorizationFile = "authorization-webhook.kubeconfig";

    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "EKS cluster name", Required = true, HelpName = "NAME" };
        var region = new Option<string?>("--region") { Description = "Region passed to the aws CLI" };
        var profile = new Option<string?>("--profile") { Description = "Profile passed to the aws CLI" };
        var output = new Option<string?>("--out") { Description = $"Directory to write {AuthenticationFile} and {AuthorizationFile} to (default: print both)", HelpName = "DIR" };
        var command = new Command("webhook-config",
            "Print the kubeconfig files that let a real kube-apiserver use the emulator as its token authentication webhook " +
            "(aws-iam-authenticator's /authenticate) and its authorization webhook (EKS access policies).")
        {
            cluster, region, profile, output,
        };
        command.SetAction(parse =>
        {
            var (endpoint, authority) = DescribeCluster(parse.GetValue(cluster)!, parse.GetValue(region), parse.GetValue(profile));
            var authentication = Kubeconfig(endpoint + "/authenticate", authority);
            var authorization = Kubeconfig(endpoint + "/authorize", authority);
            if (parse.GetValue(output) is { } directory)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, AuthenticationFile), authentication);
                File.WriteAllText(Path.Combine(directory, AuthorizationFile), authorization);
                parse.InvocationConfiguration.Output.WriteLine(
                    $"wrote {Path.Combine(directory, AuthenticationFile)} (--authentication-token-webhook-config-file) and " +
                    $"{Path.Combine(directory, AuthorizationFile)} (--authorization-webhook-config-file, with --authorization-mode=Node,RBAC,Webhook)");
            }
            else
            {
                var text = parse.InvocationConfiguration.Output;
                text.WriteLine($"# {AuthenticationFile}: kube-apiserver --authentication-token-webhook-config-file");
                text.Write(authentication);
                text.WriteLine("---");
                text.WriteLine($"# {AuthorizationFile}: kube-apiserver --authorization-webhook-config-file (--authorization-mode=Node,RBAC,Webhook)");
                text.Write(authorization);
            }
            return 0;
        });
        return command;
    }

    /// <summary>aws-iam-authenticator's generated shape: one cluster, a user without credentials, context <c>webhook</c>.</summary>
    public static string Kubeconfig(string server, string certificateAuthorityData) =>
        new SerializerBuilder().Build().Serialize(new Dictionary<string, object>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = new[] { new Dictionary<string, object> { ["name"] = "turnstile", ["cluster"] = new Dictionary<string, string> { ["certificate-authority-data"] = certificateAuthorityData, ["server"] = server } } },
            ["users"] = new[] { new Dictionary<string, object> { ["name"] = "apiserver", ["user"] = new Dictionary<string, string>() } },
            ["contexts"] = new[] { new Dictionary<string, object> { ["name"] = "webhook", ["context"] = new Dictionary<string, string> { ["cluster"] = "turnstile", ["user"] = "apiserver" } } },
            ["current-context"] = "webhook",
        });

    /// <summary>The cluster's endpoint (no trailing slash) and base64 CA from the user's <c>aws eks describe-cluster</c>.</summary>
    internal static (string Endpoint, string CertificateAuthority) DescribeCluster(string name, string? region, string? profile, IToolRunner? runner = null)
    {
        List<string> arguments = ["eks", "describe-cluster", "--name", name, "--output", "json"];
        if (region is not null) arguments.AddRange(["--region", region]);
        if (profile is not null) arguments.AddRange(["--profile", profile]);
        ToolResult result;
        try
        {
            result = (runner ?? new ProcessToolRunner()).RunAsync("aws", arguments, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (CollectException e)
        {
            throw new UsageException(e.Message);
        }
        if (!result.Succeeded)
            throw new UsageException($"aws eks describe-cluster --name {name} failed: {result.Stderr.Trim().ReplaceLineEndings(" ")}");
        try
        {
            using var document = JsonDocument.Parse(result.Stdout);
            var clusterJson = document.RootElement.GetProperty("cluster");
            var endpoint = clusterJson.GetProperty("endpoint").GetString();
            var authority = clusterJson.GetProperty("certificateAuthority").GetProperty("data").GetString();
            if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(authority))
                throw new UsageException($"cluster {name} has no endpoint yet (its status is not ACTIVE); try again shortly");
            return (endpoint.TrimEnd('/'), authority);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UsageException($"aws eks describe-cluster --name {name} printed no cluster endpoint and CA");
        }
    }
}
