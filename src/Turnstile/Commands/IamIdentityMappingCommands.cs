using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Turnstile.Cli.Collect;
using Turnstile.Cli.IdentityMappings;
using Turnstile.Cli.Output;

namespace Turnstile.Cli.Commands;

/// <summary>
/// <c>turnstile iamidentitymapping create|get|delete</c>: eksctl's identity-mapping commands. The cluster's endpoint and CA
/// come from the user's <c>aws eks describe-cluster</c>, the bearer token from <c>aws eks get-token</c>, and the
/// <c>kube-system/aws-auth</c> ConfigMap is read and written through the cluster's Kubernetes API (retrying on 409 Conflict).
/// </summary>
public static class IamIdentityMappingCommands
{
    private const string Namespace = "kube-system";
    private const string Name = "aws-auth";
    private const int Attempts = 5;

    public static Command Create()
    {
        var command = new Command("iamidentitymapping", "Create, get or delete IAM identity mappings in a cluster's aws-auth ConfigMap, as eksctl does (through the cluster's Kubernetes API)");
        command.Add(CreateCommand());
        command.Add(GetCommand());
        command.Add(DeleteCommand());
        return command;
    }

    private sealed class Connection
    {
        public Option<string> Cluster { get; } = new("--cluster") { Description = "EKS cluster name", Required = true, HelpName = "NAME" };
        public Option<string?> Region { get; } = new("--region") { Description = "Region passed to the aws CLI" };
        public Option<string?> Profile { get; } = new("--profile") { Description = "Profile passed to the aws CLI" };
        public Option<string> Endpoint { get; } = ClusterSourceOptions.EndpointOption();

        public void AddTo(Command command)
        {
            command.Add(Cluster);
            command.Add(Region);
            command.Add(Profile);
            command.Add(Endpoint);
        }

        public Kubernetes Open(ParseResult parse)
        {
            var cluster = parse.GetValue(Cluster)!;
            var region = parse.GetValue(Region);
            var profile = parse.GetValue(Profile);
            var overrides = parse.GetValue(Endpoint) is { } url ? new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = url.TrimEnd('/') } : null;
            var runner = new ProcessToolRunner(overrides);
            var (endpoint, authority) = WebhookConfigCommand.DescribeCluster(cluster, region, profile, runner);
            X509Certificate2 ca;
            try
            {
                ca = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(authority)));
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new UsageException($"cluster {cluster}'s certificateAuthority.data is not a base64 PEM certificate");
            }
            return new Kubernetes(new KubernetesClientConfiguration
            {
                Host = endpoint,
                AccessToken = Token(cluster, region, profile, runner),
                SslCaCerts = new X509Certificate2Collection(ca),
            });
        }

        private static string Token(string cluster, string? region, string? profile, IToolRunner runner)
        {
            List<string> arguments = ["eks", "get-token", "--cluster-name", cluster, "--output", "json"];
            if (region is not null) arguments.AddRange(["--region", region]);
            if (profile is not null) arguments.AddRange(["--profile", profile]);
            ToolResult result;
            try
            {
                result = runner.RunAsync("aws", arguments, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (CollectException e)
            {
                throw new UsageException(e.Message);
            }
            if (!result.Succeeded) throw new UsageException($"aws eks get-token --cluster-name {cluster} failed: {result.ErrorLine}");
            try
            {
                using var document = JsonDocument.Parse(result.Stdout);
                return document.RootElement.GetProperty("status").GetProperty("token").GetString()
                       ?? throw new KeyNotFoundException();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new UsageException($"aws eks get-token --cluster-name {cluster} printed no status.token");
            }
        }
    }

    private static Command CreateCommand()
    {
        var connection = new Connection();
        var arn = new Option<string?>("--arn") { Description = "ARN of the IAM role or user to create", HelpName = "ARN" };
        var username = new Option<string?>("--username") { Description = "User name within Kubernetes to map to IAM role" };
        var groups = new Option<string[]>("--group") { Description = "Group within Kubernetes to which IAM role is mapped (repeatable)", AllowMultipleArgumentsPerToken = false };
        var account = new Option<string?>("--account") { Description = "Account ID to automatically map to its username", HelpName = "ID" };
        var noDuplicates = new Option<bool>("--no-duplicate-arns") { Description = "Throw error when an aws_auth record already exists with the given arn." };
        var command = new Command("create", "Create a mapping from an IAM role or user to a Kubernetes user and groups (aws-iam-authenticator only uses the last row for an ARN: a duplicate shadows the earlier ones)");
        connection.AddTo(command);
        command.Add(arn);
        command.Add(username);
        command.Add(groups);
        command.Add(account);
        command.Add(noDuplicates);
        command.SetAction(parse =>
        {
            var arnValue = parse.GetValue(arn) ?? "";
            var usernameValue = parse.GetValue(username) ?? "";
            var groupValues = Groups(parse.GetValue(groups));
            var accountValue = parse.GetValue(account) ?? "";
            // eksctl's checks, before any call.
            if (accountValue.Length > 0)
            {
                if (arnValue.Length > 0 || usernameValue.Length > 0 || groupValues.Count > 0) return Fail("account can only be set alone");
                if (!Check(() => AwsAuthEditor.ValidateAccount(accountValue))) return ExitCodes.BadInput;
            }
            else if (arnValue.Length == 0) return Fail("--arn must be set");
            else if (!Check(() => AwsAuthEditor.ParseIdentityArn(arnValue))) return ExitCodes.BadInput;

            var noDuplicatesValue = parse.GetValue(noDuplicates);
            return Edit(connection, parse, editor =>
            {
                if (accountValue.Length > 0)
                {
                    editor.AddAccount(accountValue);
                    return true;
                }
                return editor.AddIdentity(arnValue, usernameValue, groupValues, noDuplicatesValue) == CreateOutcome.Added;
            });
        });
        return command;
    }

    private static Command GetCommand()
    {
        var connection = new Connection();
        var arn = new Option<string?>("--arn") { Description = "Only the mappings of this IAM role or user ARN", HelpName = "ARN" };
        var output = OutputFormat.Option("table", "json", "yaml");
        var command = new Command("get", "Get IAM identity mapping(s): ARN, USERNAME, GROUPS and ACCOUNT");
        connection.AddTo(command);
        command.Add(arn);
        command.Add(output);
        command.SetAction(parse =>
        {
            var filter = parse.GetValue(arn);
            return Run(() =>
            {
                using var client = connection.Open(parse);
                var editor = new AwsAuthEditor(Read(client)?.Data);
                var rows = editor.Rows();
                if (filter is { Length: > 0 })
                {
                    var identities = rows.Where(r => r.Arn == filter).ToArray();
                    if (identities.Length == 0) throw new MappingInputException($"no iamidentitymapping with arn \"{filter}\" found");
                    rows = [.. identities, .. rows.Where(r => r.Account.Length > 0)];
                }
                var format = parse.GetRequiredValue(output);
                if (Structured.Handles(format)) Structured.Write(IdentityMappingOutput.Document(rows), format);
                else Console.Write(IdentityMappingOutput.Table(rows));
                return ExitCodes.Yes;
            });
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var connection = new Connection();
        var arn = new Option<string?>("--arn") { Description = "ARN of the IAM role or user to delete", HelpName = "ARN" };
        var account = new Option<string?>("--account") { Description = "Account ID to delete", HelpName = "ID" };
        var all = new Option<bool>("--all") { Description = "Delete all matching mappings instead of just one" };
        var command = new Command("delete", "Delete an IAM identity mapping (the first one for the ARN unless --all)");
        connection.AddTo(command);
        command.Add(arn);
        command.Add(account);
        command.Add(all);
        command.SetAction(parse =>
        {
            var arnValue = parse.GetValue(arn) ?? "";
            var accountValue = parse.GetValue(account) ?? "";
            if ((arnValue.Length == 0) == (accountValue.Length == 0)) return Fail("either --arn or --account must be set");
            var allValue = parse.GetValue(all);
            var remaining = 0;
            var code = Edit(connection, parse, editor =>
            {
                if (accountValue.Length > 0) editor.RemoveAccount(accountValue);
                else remaining = editor.RemoveIdentity(arnValue, allValue);
                return true;
            });
            if (code == ExitCodes.Yes && remaining > 0)
                Console.Error.WriteLine($"warning: there are {remaining} mappings left with same arn \"{arnValue}\" (use --all to delete them at once)");
            return code;
        });
        return command;
    }

    /// <summary>Reads aws-auth, applies <paramref name="edit"/> and writes it back when it changed something; on 409 Conflict starts over.</summary>
    private static int Edit(Connection connection, ParseResult parse, Func<AwsAuthEditor, bool> edit) => Run(() =>
    {
        using var client = connection.Open(parse);
        for (var attempt = 1; ; attempt++)
        {
            var current = Read(client);
            var editor = new AwsAuthEditor(current?.Data);
            var changed = edit(editor);
            try
            {
                if (changed)
                {
                    if (current is null)
                        client.CoreV1.CreateNamespacedConfigMap(new V1ConfigMap
                        {
                            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace },
                            Data = new Dictionary<string, string>(editor.Data),
                        }, Namespace);
                    else
                    {
                        current.Data = new Dictionary<string, string>(editor.Data);
                        client.CoreV1.ReplaceNamespacedConfigMap(current, Name, Namespace);
                    }
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < Attempts)
            {
                continue;
            }
            foreach (var line in editor.Log) Console.Error.WriteLine(line);
            return ExitCodes.Yes;
        }
    });

    private static V1ConfigMap? Read(Kubernetes client)
    {
        try
        {
            return client.CoreV1.ReadNamespacedConfigMap(Name, Namespace);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Runs against the cluster: bad input is exit 2, the API's 401 exit 3, any other API answer one line and exit 2.</summary>
    private static int Run(Func<int> work)
    {
        try
        {
            return work();
        }
        catch (MappingInputException e)
        {
            return Fail(e.Message);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Console.Error.WriteLine("error: the cluster's Kubernetes API answered 401 Unauthorized to the token from aws eks get-token");
            return ExitCodes.Unauthenticated;
        }
        catch (HttpOperationException e)
        {
            var body = e.Response.Content is { Length: > 0 } content ? ": " + Message(content) : "";
            return Fail($"the cluster's Kubernetes API answered {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}{body}");
        }
        catch (HttpRequestException e)
        {
            return Fail($"cannot reach the cluster's Kubernetes API: {e.Message}");
        }
    }

    private static string Message(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? content : content;
        }
        catch (JsonException)
        {
            return content;
        }
    }

    private static bool Check(Action validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (MappingInputException e)
        {
            Fail(e.Message);
            return false;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + CommandLineRunner.OneLine(message));
        return ExitCodes.BadInput;
    }

    /// <summary><c>--group a --group b</c> or eksctl's <c>--group a,b</c>.</summary>
    private static IReadOnlyList<string> Groups(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
