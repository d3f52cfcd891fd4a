using System.Text.RegularExpressions;
using Turnstile.Server.Tests.EndToEnd;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Eks;

/// <summary>
/// <c>turnstile serve --data DIR</c> as a real process: state made with the aws CLI survives SIGTERM and a restart on
/// the same directory, byte for byte as the CLI prints it.
/// </summary>
public class ServeRestartTests
{
    /// <summary>Read-only calls whose output must not change across a restart.</summary>
    private static readonly string[][] Snapshot =
    [
        ["iam", "list-users"],
        ["iam", "list-access-keys", "--user-name", "keeper"],
        ["iam", "get-role", "--role-name", "kept-nodes"],
        ["iam", "list-attached-role-policies", "--role-name", "kept-nodes"],
        ["eks", "describe-cluster", "--name", "kept"],
        ["eks", "describe-nodegroup", "--cluster-name", "kept", "--nodegroup-name", "kept-ng"],
        ["eks", "list-access-entries", "--cluster-name", "kept"],
        ["eks", "describe-access-entry", "--cluster-name", "kept", "--principal-arn", IamArn("user/keeper")],
        ["eks", "list-associated-access-policies", "--cluster-name", "kept", "--principal-arn", IamArn("user/keeper")],
        ["eks", "describe-access-entry", "--cluster-name", "kept", "--principal-arn", IamArn("role/eks/kept-nodes")],
    ];

    private static readonly int DescribeCluster = Array.FindIndex(Snapshot, command => command[1] == "describe-cluster");

    [PosixAwsCliFact]
    public async Task State_survives_sigterm_and_a_restart_on_the_same_data_directory()
    {
        var data = Directory.CreateTempSubdirectory("turnstile-data-").FullName;
        try
        {
            AwsCliCredentials keeper;
            string[] before;
            string caBefore;
            await using (var first = await Serve(data))
            {
                await using var aws = await Cli(first);
                await Ok(aws, "iam", "create-user", "--user-name", "keeper");
                keeper = KeyOf((await aws.RunAsync("iam", "create-access-key", "--user-name", "keeper")).EnsureSuccess().Json);
                await Ok(aws, "iam", "create-role", "--role-name", "kept-nodes", "--path", "/eks/", "--assume-role-policy-document",
                    """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
                await Ok(aws, "iam", "attach-role-policy", "--role-name", "kept-nodes", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy");
                await Ok(aws, "eks", "create-cluster", "--name", "kept", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2",
                    "--access-config", "authenticationMode=API_AND_CONFIG_MAP", "--tags", "env=test");
                await Ok(aws, "eks", "create-nodegroup", "--cluster-name", "kept", "--nodegroup-name", "kept-ng", "--node-role", IamArn("role/eks/kept-nodes"),
                    "--subnets", "subnet-1");
                await Ok(aws, "eks", "create-access-entry", "--cluster-name", "kept", "--principal-arn", IamArn("user/keeper"),
                    "--kubernetes-groups", "viewers", "--username", "keeper");
                await Ok(aws, "eks", "associate-access-policy", "--cluster-name", "kept", "--principal-arn", IamArn("user/keeper"),
                    "--policy-arn", ViewPolicy, "--access-scope", "type=namespace,namespaces=default");

                before = await TakeSnapshot(aws);
                caBefore = CaOf(before);
                Assert.Contains("\"status\": \"ACTIVE\"", before[DescribeCluster]);
                Assert.Equal(0, await first.StopAsync());
                Assert.Equal("", first.Stdout);
            }

            await using var second = await Serve(data);
            await using (var aws = await Cli(second))
            {
                var after = await TakeSnapshot(aws);
                for (var i = 0; i < Snapshot.Length; i++)
                    Assert.True(before[i] == after[i], $"aws {string.Join(' ', Snapshot[i])} changed across the restart:\n{before[i]}\n---\n{after[i]}");
                Assert.Equal(caBefore, CaOf(after));

                // The key made before the restart still authenticates.
                var identity = (await aws.RunAsync(["sts", "get-caller-identity"], keeper)).EnsureSuccess().Json;
                Assert.Equal(IamArn("user/keeper"), identity.GetProperty("Arn").GetString());
            }
            Assert.Equal(0, await second.StopAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<TurnstileProcess> Serve(string data)
    {
        var port = TurnstileProcess.FreePort();
        var process = await TurnstileProcess.StartAsync(["serve", "--data", data, "--port", port.ToString(), "--kube-port", "0"]);
        Assert.Matches(
            $@"^turnstile: AWS endpoint http://127\.0\.0\.1:{port} \(iam, sts, eks\), Kubernetes API https://127\.0\.0\.1:\d+/clusters/<name>, " +
            $@"account {Account}, region {DefaultRegion}, store sqlite {Regex.Escape(Path.Combine(data, "turnstile.db"))}$",
            process.ReadyLine);
        return process;
    }

    private static async Task<AwsCliFixture> Cli(TurnstileProcess process)
    {
        var endpoint = new Uri(Regex.Match(process.ReadyLine, @"AWS endpoint (\S+)").Groups[1].Value);
        var aws = await AwsCliFixture.ForEndpointAsync(endpoint, Admin);
        aws.Region = DefaultRegion;
        return aws;
    }

    private static async Task Ok(AwsCliFixture aws, params string[] args) => (await aws.RunAsync(args)).EnsureSuccess();

    private static async Task<string[]> TakeSnapshot(AwsCliFixture aws)
    {
        var outputs = new string[Snapshot.Length];
        for (var i = 0; i < Snapshot.Length; i++) outputs[i] = (await aws.RunAsync(Snapshot[i])).EnsureSuccess().Stdout;
        return outputs;
    }

    private static string CaOf(string[] snapshot)
    {
        var describe = System.Text.Json.JsonDocument.Parse(snapshot[DescribeCluster]).RootElement;
        return describe.GetProperty("cluster").GetProperty("certificateAuthority").GetProperty("data").GetString()!;
    }
}
