using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Replicas;

/// <summary>
/// Two <c>turnstile serve</c> processes on one PostgreSQL database behave as one emulator, driven by the real aws CLI
/// (and, where fifty CLI processes would be too slow, by concurrent signed HTTP requests in-process).
/// </summary>
[Collection(ReplicaCollection.Name)]
public class ReplicaTests
{
    private static readonly AwsCredentials AdminKeys = new(Admin.AccessKeyId, Admin.SecretAccessKey);

    internal static async Task<TurnstileProcess> Serve(string store, params string[] extra) =>
        await TurnstileProcess.StartAsync(["serve", "--store", store, "--port", TurnstileProcess.FreePort().ToString(), "--kube-port", "0", .. extra]);

    internal static async Task<AwsCliFixture> Cli(TurnstileProcess replica)
    {
        var aws = await AwsCliFixture.ForEndpointAsync(replica.Endpoint, Admin);
        aws.Region = DefaultRegion;
        return aws;
    }

    [PosixAwsCliFact]
    public async Task A_key_created_through_one_replica_signs_requests_the_other_accepts_at_once()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var a = await Serve(database.Location);
        await using var b = await Serve(database.Location);
        // The ready line names the store without its password.
        Assert.EndsWith($", store postgresql://turnstile@{new Uri(database.Location).Authority}/{database.Name}", a.ReadyLine);
        Assert.DoesNotContain("turnstile:turnstile@", a.ReadyLine);

        await using var viaA = await Cli(a);
        await using var viaB = await Cli(b);
        await viaA.Ok("iam", "create-user", "--user-name", "carol");
        var carol = KeyOf(await viaA.Ok("iam", "create-access-key", "--user-name", "carol"));
        var identity = await viaB.Ok(carol, "sts", "get-caller-identity");
        Assert.Equal(IamArn("user/carol"), identity.GetProperty("Arn").GetString());

        // A permission granted through B counts on A at once, and so does its removal.
        Assert.Contains("AccessDenied", await viaA.Fails(carol, "iam", "list-users"));
        await viaB.Ok("iam", "put-user-policy", "--user-name", "carol", "--policy-name", "list", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}""");
        Assert.Equal(["admin", "carol"], Strings((await viaA.Ok(carol, "iam", "list-users")).GetProperty("Users").EnumerateArray()
            .Select(u => u.GetProperty("UserName")).ToArray()));
        await viaB.Ok("iam", "delete-user-policy", "--user-name", "carol", "--policy-name", "list");
        Assert.Contains("AccessDenied", await viaA.Fails(carol, "iam", "list-users"));
        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
    }

    private static string[] Strings(JsonElement[] values) => values.Select(v => v.GetString()!).ToArray();

    [PosixAwsCliFact]
    public async Task Fifty_concurrent_CreateAccessEntry_for_one_principal_over_two_replicas_give_one_200()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var a = await Serve(database.Location);
        await using var b = await Serve(database.Location);
        await using var viaA = await Cli(a);
        await using var viaB = await Cli(b);
        await viaA.Ok("eks", "create-cluster", "--name", "race", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2",
            "--access-config", "authenticationMode=API");
        var racer = (await viaB.Ok("iam", "create-user", "--user-name", "racer")).GetProperty("User").GetProperty("Arn").GetString()!;

        // 4 through the CLI (two per replica), 46 as signed HTTP requests (23 per replica), all in flight together.
        using var clientA = new SignedClient(a.Endpoint, AdminKeys, DefaultRegion);
        using var clientB = new SignedClient(b.Endpoint, AdminKeys, DefaultRegion);
        var body = JsonSerializer.Serialize(new { principalArn = racer });
        var cli = Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? viaA : viaB)
            .RunAsync("eks", "create-access-entry", "--cluster-name", "race", "--principal-arn", racer)).ToArray();
        await Task.Delay(500);
        var http = Enumerable.Range(0, 46).Select(i => (i % 2 == 0 ? clientA : clientB).EksAsync("POST", "/clusters/race/access-entries", body)).ToArray();

        var outcomes = new List<string>();
        foreach (var response in await Task.WhenAll(http))
            outcomes.Add(response.StatusCode == HttpStatusCode.OK ? "200"
                : response.Headers.TryGetValues("x-amzn-ErrorType", out var type) ? type.Single().Split(':')[0] : ((int)response.StatusCode).ToString());
        foreach (var result in await Task.WhenAll(cli))
            outcomes.Add(result.Succeeded ? "200" : result.Stderr.Contains("(ResourceInUseException)") ? "ResourceInUseException" : result.Stderr);

        Assert.Equal(1, outcomes.Count(o => o == "200"));
        Assert.Equal(49, outcomes.Count(o => o == "ResourceInUseException"));
        foreach (var replica in new[] { viaA, viaB })
            Assert.Single((await replica.Ok("eks", "list-access-entries", "--cluster-name", "race")).GetProperty("accessEntries").EnumerateArray(),
                e => e.GetString() == racer);
    }

    [PosixAwsCliFact]
    public async Task Killing_one_replica_in_the_middle_of_writes_loses_no_acknowledged_write()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var a = await Serve(database.Location);
        await using var b = await Serve(database.Location);
        var acknowledged = await WriteUntilKilled(a, [a, b]);
        Assert.Contains(acknowledged, name => name.StartsWith("a-", StringComparison.Ordinal));
        Assert.Contains(acknowledged, name => name.StartsWith("b-", StringComparison.Ordinal));

        // A new replica sees every acknowledged user.
        await using var c = await Serve(database.Location);
        using var client = new SignedClient(c.Endpoint, AdminKeys, DefaultRegion);
        var stored = await ListUsers(client);
        Assert.Empty(acknowledged.Except(stored));
    }

    /// <summary>
    /// Runs 8 writers (spread over <paramref name="replicas"/>) creating users, kills <paramref name="victim"/> with
    /// SIGKILL once every replica has acknowledged some writes, lets the others write a moment longer, and returns the
    /// names acknowledged with 200.
    /// </summary>
    internal static async Task<IReadOnlyCollection<string>> WriteUntilKilled(TurnstileProcess victim, IReadOnlyList<TurnstileProcess> replicas)
    {
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var prefixes = replicas.Count == 1 ? ["a"] : new[] { "a", "b" };
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var replica = replicas[w % replicas.Count];
            using var client = new SignedClient(replica.Endpoint, AdminKeys, DefaultRegion);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var name = $"{prefixes[w % replicas.Count]}-{w}-{n}";
                try
                {
                    using var response = await client.QueryAsync("iam", $"Action=CreateUser&Version=2010-05-08&UserName={name}");
                    if (response.StatusCode == HttpStatusCode.OK) acknowledged.Add(name);
                }
                catch (HttpRequestException)
                {
                    // The replica is gone; this writer stops (its unanswered request may or may not have landed).
                    return;
                }
            }
        })).ToArray();
        // Kill in the middle of the writes: once each replica has acknowledged a few (the machine may be slow to warm up).
        for (var waited = 0; waited < 600 && prefixes.Any(p => acknowledged.Count(n => n.StartsWith(p + "-", StringComparison.Ordinal)) < 10); waited++)
            await Task.Delay(100);
        await victim.KillAsync();
        await Task.Delay(800);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        return acknowledged.ToArray();
    }

    internal static async Task<HashSet<string>> ListUsers(SignedClient client)
    {
        XNamespace ns = "https://iam.amazonaws.com/doc/2010-05-08/";
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            using var response = await client.QueryAsync("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=1000" +
                                                                 (marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var result = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(ns + "ListUsersResult").Single();
            foreach (var name in result.Descendants(ns + "UserName")) names.Add(name.Value);
            marker = result.Element(ns + "IsTruncated")?.Value == "true" ? result.Element(ns + "Marker")!.Value : null;
        }
        while (marker is not null);
        return names;
    }

    [PosixAwsCliFact]
    public async Task Cluster_status_and_updates_settle_the_same_whichever_replica_reads_them()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var a = await Serve(database.Location);
        await using var b = await Serve(database.Location);
        await using var viaA = await Cli(a);
        await using var viaB = await Cli(b);
        var nodeRole = await CreateNodeRole(viaA);

        var created = await viaA.Ok("eks", "create-cluster", "--name", "shared", "--role-arn", ClusterRole, "--resources-vpc-config", "subnetIds=subnet-1,subnet-2");
        Assert.Equal("CREATING", created.GetProperty("cluster").GetProperty("status").GetString());
        var fromB = await viaB.Ok("eks", "describe-cluster", "--name", "shared");
        Assert.Equal("ACTIVE", fromB.GetProperty("cluster").GetProperty("status").GetString());
        Assert.Equal(Compact(fromB), Compact(await viaA.Ok("eks", "describe-cluster", "--name", "shared")));

        var update = (await viaB.Ok("eks", "update-cluster-config", "--name", "shared", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"))
            .GetProperty("update");
        Assert.Equal("InProgress", update.GetProperty("status").GetString());
        var id = update.GetProperty("id").GetString()!;
        Assert.Equal("Successful", (await viaA.Ok("eks", "describe-update", "--name", "shared", "--update-id", id)).GetProperty("update").GetProperty("status").GetString());
        foreach (var replica in new[] { viaA, viaB })
            Assert.Equal("API_AND_CONFIG_MAP", (await replica.Ok("eks", "describe-cluster", "--name", "shared"))
                .GetProperty("cluster").GetProperty("accessConfig").GetProperty("authenticationMode").GetString());
        Assert.Equal(Compact(await viaA.Ok("eks", "list-access-entries", "--cluster-name", "shared")),
            Compact(await viaB.Ok("eks", "list-access-entries", "--cluster-name", "shared")));

        await viaA.Ok("eks", "create-nodegroup", "--cluster-name", "shared", "--nodegroup-name", "ng", "--node-role", nodeRole, "--subnets", "subnet-1",
            "--scaling-config", "minSize=1,maxSize=4,desiredSize=2");
        Assert.Equal("ACTIVE", (await viaB.Ok("eks", "describe-nodegroup", "--cluster-name", "shared", "--nodegroup-name", "ng"))
            .GetProperty("nodegroup").GetProperty("status").GetString());
        var scaling = (await viaB.Ok("eks", "update-nodegroup-config", "--cluster-name", "shared", "--nodegroup-name", "ng",
            "--scaling-config", "desiredSize=3")).GetProperty("update");
        Assert.Equal("ConfigUpdate", scaling.GetProperty("type").GetString());
        var scalingId = scaling.GetProperty("id").GetString()!;
        Assert.Equal("Successful", (await viaA.Ok("eks", "describe-update", "--name", "shared", "--nodegroup-name", "ng", "--update-id", scalingId))
            .GetProperty("update").GetProperty("status").GetString());
        var nodegroup = await viaA.Ok("eks", "describe-nodegroup", "--cluster-name", "shared", "--nodegroup-name", "ng");
        Assert.Equal(3, nodegroup.GetProperty("nodegroup").GetProperty("scalingConfig").GetProperty("desiredSize").GetInt32());
        Assert.Equal(Compact(nodegroup), Compact(await viaB.Ok("eks", "describe-nodegroup", "--cluster-name", "shared", "--nodegroup-name", "ng")));
    }

    private static async Task<string> CreateNodeRole(AwsCliFixture aws) =>
        (await aws.Ok("iam", "create-role", "--role-name", "shared-nodes", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""))
        .GetProperty("Role").GetProperty("Arn").GetString()!;
}

/// <summary>Replica tests start several servers each; they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection
{
    public const string Name = "replicas";
}
