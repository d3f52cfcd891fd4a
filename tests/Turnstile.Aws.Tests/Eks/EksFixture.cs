using System.Text.Json.Nodes;
using Turnstile.Aws.Eks;
using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Aws.Tests.Eks;

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>IAM as EKS sees it: principals by ARN, with unique ids.</summary>
public sealed class FakeIamDirectory : IIamDirectory
{
    private readonly Dictionary<string, PrincipalInfo> _principals = new(StringComparer.Ordinal);
    private int _next;

    public PrincipalInfo AddUser(string name, string path = "/") => Add(PrincipalType.User, "user", "AIDA", name, path);

    public PrincipalInfo AddRole(string name, string path = "/") => Add(PrincipalType.Role, "role", "AROA", name, path);

    public void Remove(string arn) => _principals.Remove(arn);

    public PrincipalInfo? FindPrincipal(string arn) => _principals.GetValueOrDefault(arn);

    public PrincipalInfo? FindPrincipal(OptimisticTransaction state, string arn) => FindPrincipal(arn);

    private PrincipalInfo Add(PrincipalType type, string kind, string idPrefix, string name, string path)
    {
        var arn = $"arn:aws:iam::{EksFixture.Account}:{kind}{path}{name}";
        var info = new PrincipalInfo(arn, $"{idPrefix}{++_next:D4}EXAMPLE{Guid.NewGuid():N}"[..21].ToUpperInvariant(), type, name, path, DateTimeOffset.UnixEpoch);
        _principals[arn] = info;
        return info;
    }
}

/// <summary>An EKS service over an in-memory store, a fake IAM and a manual clock, called as the real protocol layer would.</summary>
public sealed class EksFixture
{
    public const string Account = EmulatorOptions.DefaultAccountId;
    public const string Region = EmulatorOptions.DefaultRegion;
    public const string AdminArn = $"arn:aws:iam::{Account}:user/admin";
    public const string ClusterRole = $"arn:aws:iam::{Account}:role/eks-cluster-role";
    public const string ClusterAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
    public const string ViewPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
    public static readonly string SlrArn = $"arn:aws:iam::{Account}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS";

    public IStore Store { get; }
    public StateCache Cache { get; }
    public ManualClock Clock { get; }
    public FakeIamDirectory Iam { get; }
    public EmulatorOptions Options { get; }
    public EmulatorState State { get; }
    public EksService Eks { get; }
    public Caller Admin { get; }

    public EksFixture(bool realisticLatency = false, IStore? store = null, ManualClock? clock = null, FakeIamDirectory? iam = null,
        EmulatorOptions? options = null)
    {
        Store = store ?? new InMemoryStore();
        Cache = StateCache.StartAsync(Store).GetAwaiter().GetResult();
        Clock = clock ?? new ManualClock(new DateTimeOffset(2025, 3, 10, 14, 37, 35, 488, TimeSpan.Zero));
        Iam = iam ?? new FakeIamDirectory();
        Options = options ?? new EmulatorOptions { RealisticLatency = realisticLatency };
        State = new EmulatorState(Cache, Options, Clock);
        Eks = new EksService(State, Iam);
        var admin = Iam.FindPrincipal(AdminArn) ?? Iam.AddUser("admin");
        Admin = UserCaller(admin);
    }

    /// <summary>A second service over the same store, as after a restart (or on another replica).</summary>
    public EksFixture Restart() => new(Options.RealisticLatency, Store, Clock, Iam, Options);

    public static Caller UserCaller(PrincipalInfo user) => new()
    {
        Arn = user.Arn,
        AccountId = Account,
        UserId = user.UniqueId,
        Type = PrincipalType.User,
        AccessKeyId = "AKIAIOSFODNN7EXAMPLE",
        PrincipalName = user.Name,
    };

    public static Caller RoleSessionCaller(PrincipalInfo role, string session) => new()
    {
        Arn = $"arn:aws:sts::{Account}:assumed-role/{role.Name}/{session}",
        AccountId = Account,
        UserId = role.UniqueId + ":" + session,
        Type = PrincipalType.AssumedRole,
        AccessKeyId = "ASIAIOSFODNN7EXAMPLE",
        PrincipalName = role.Name,
        SessionName = session,
    };

    public OperationContext Context(Caller? caller = null) => new(caller ?? Admin, Options.Region, Clock.Now, Guid.NewGuid().ToString());

    public JsonObject Call(string operation, string json = "{}", Caller? caller = null) => Call(operation, Parse(json), caller);

    public JsonObject Call(string operation, JsonObject input, Caller? caller = null)
    {
        var context = Context(caller);
        var op = Eks.Operations[operation];
        return Cache.RunOperationAsync(Eks, op, context.Now, tx => op.Handle(input, context, tx)).GetAwaiter().GetResult();
    }

    public AwsServiceException Fails(string operation, string json = "{}", Caller? caller = null) =>
        Assert.Throws<AwsServiceException>(() => Call(operation, json, caller));

    public AuthorizationRequest? Authorize(string operation, string json, Caller? caller = null)
    {
        var context = Context(caller);
        var op = Eks.Operations[operation];
        return Cache.RunOperationAsync(Eks, op with { ReadOnly = true }, context.Now, tx => op.Authorize(Parse(json), context, tx)).GetAwaiter().GetResult();
    }

    /// <summary>The settled state as the Kubernetes front would read it.</summary>
    public IStateView View() => Eks.SettledViewAsync().GetAwaiter().GetResult();

    public Core.Clusters.ClusterAccessModel AccessModel(string cluster) => Eks.BuildAccessModelAsync(cluster).GetAwaiter().GetResult();

    /// <summary>The cluster's stored <c>kube-system/aws-auth</c> ConfigMap, or null.</summary>
    public JsonObject? AwsAuth(string cluster) =>
        View().Get(StateKey.KubeObject(cluster, "", "configmaps", "kube-system", "aws-auth")) is { } stored ? JsonNode.Parse(stored.Value)!.AsObject() : null;

    /// <summary>The cluster's stored Node objects, in name order.</summary>
    public JsonObject[] Nodes(string cluster) =>
        View().List(StateKey.KubeResource(cluster, "", "nodes")).Select(n => JsonNode.Parse(n.Value)!.AsObject()).ToArray();

    /// <summary>Writes aws-auth's data as <c>kubectl edit</c> would through the Kubernetes front (null deletes the ConfigMap).</summary>
    public void EditAwsAuth(string cluster, IReadOnlyDictionary<string, string>? data)
    {
        var key = StateKey.KubeObject(cluster, "", "configmaps", "kube-system", "aws-auth");
        Cache.RunAsync(tx =>
        {
            if (data is null)
            {
                tx.Delete(key);
                return 0;
            }
            var configMap = tx.Get(key) is { } stored
                ? JsonNode.Parse(stored.Value)!.AsObject()
                : new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject { ["name"] = "aws-auth", ["namespace"] = "kube-system", ["uid"] = Guid.NewGuid().ToString() },
                };
            var dataNode = new JsonObject();
            foreach (var (k, v) in data) dataNode[k] = v;
            configMap["data"] = dataNode;
            tx.Put(key, System.Text.Encoding.UTF8.GetBytes(configMap.ToJsonString()));
            return 0;
        }).GetAwaiter().GetResult();
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Creates a cluster and lets it become ACTIVE.</summary>
    public JsonObject CreateCluster(string name, string? mode = null, bool? bootstrap = null, Caller? caller = null)
    {
        var access = new JsonObject();
        if (mode is not null) access["authenticationMode"] = mode;
        if (bootstrap is not null) access["bootstrapClusterCreatorAdminPermissions"] = bootstrap;
        var input = new JsonObject
        {
            ["name"] = name,
            ["roleArn"] = ClusterRole,
            ["resourcesVpcConfig"] = new JsonObject { ["subnetIds"] = new JsonArray("subnet-a", "subnet-b") },
        };
        if (access.Count > 0) input["accessConfig"] = access;
        var created = Call("CreateCluster", input, caller);
        Clock.Advance(TimeSpan.FromSeconds(1));
        return created;
    }

    public JsonObject Describe(string cluster) => (JsonObject)Call("DescribeCluster", $$"""{"name":"{{cluster}}"}""")["cluster"]!;

    public string[] ListEntries(string cluster) =>
        Call("ListAccessEntries", $$"""{"clusterName":"{{cluster}}"}""")["accessEntries"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    public JsonObject Entry(string cluster, string principal) =>
        (JsonObject)Call("DescribeAccessEntry", $$"""{"clusterName":"{{cluster}}","principalArn":"{{principal}}"}""")["accessEntry"]!;

    public JsonArray Associated(string cluster, string principal) =>
        Call("ListAssociatedAccessPolicies", $$"""{"clusterName":"{{cluster}}","principalArn":"{{principal}}"}""")["associatedAccessPolicies"]!.AsArray();

    /// <summary>Moves the cluster to a mode and lets the update complete.</summary>
    public void SwitchMode(string cluster, string mode)
    {
        Call("UpdateClusterConfig", $$$"""{"name":"{{{cluster}}}","accessConfig":{"authenticationMode":"{{{mode}}}"}}""");
        Clock.Advance(TimeSpan.FromSeconds(1));
    }

    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
}
