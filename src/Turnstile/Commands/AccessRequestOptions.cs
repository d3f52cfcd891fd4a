using System.CommandLine;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Kube;

namespace Turnstile.Cli.Commands;

/// <summary>The options can-i, whoami and explain share: where the cluster state comes from and who asks.</summary>
public sealed class AccessRequestOptions
{
    public ClusterSourceOptions Cluster { get; } = new();

    public Option<string> AsArn { get; } = new("--as-arn")
    {
        Description = "IAM principal making the request: user, role (becomes an assumed-role session), assumed-role, root or federated-user ARN",
        Required = true,
    };

    public Option<string?> SessionName { get; } = new("--session-name")
    {
        Description = $"Session name for a role (EC2 instance id for node roles); default '{OfflineIdentity.DefaultSessionName}'",
    };

    public Option<string?> AccessKeyId { get; } = new("--access-key-id") { Description = "Access key id the token was signed with (for {{AccessKeyID}} templates)" };

    public void AddTo(Command command)
    {
        Cluster.AddTo(command);
        command.Add(AsArn);
        command.Add(SessionName);
        command.Add(AccessKeyId);
    }

    /// <summary>Checks the principal, loads the snapshot (printing its messages) and builds the caller's identity.</summary>
    public (AccessEngine Engine, AwsIdentity Identity, bool PrincipalIdKnown) Resolve(ParseResult result)
    {
        var arn = result.GetRequiredValue(AsArn);
        var sessionName = result.GetValue(SessionName);
        CheckPrincipal(arn, sessionName);

        var model = Cluster.Load(result).Model;
        try
        {
            var (identity, known) = OfflineIdentity.For(arn, sessionName, result.GetValue(AccessKeyId), model.PrincipalIds);
            return (new AccessEngine(model), identity, known);
        }
        catch (ArnException e)
        {
            throw new UsageException($"--as-arn: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses, before anything is read, an ARN no IAM or STS principal can have (it would only ever be answered 401,
    /// which reads as "not mapped" when the real problem is a typo) and an invalid session name.
    /// </summary>
    private static void CheckPrincipal(string arn, string? sessionName)
    {
        if (!PrincipalArn.TryParse(arn, out var principal, out var error)) throw new UsageException($"--as-arn: {error}");
        if (IamIdentityRules.Problem(principal) is { } problem) throw new UsageException($"--as-arn: invalid ARN {arn}: {problem}");
        if (sessionName is not null && IamIdentityRules.SessionNameProblem(sessionName) is { } sessionProblem)
            throw new UsageException($"--session-name: {sessionProblem}");
    }
}

/// <summary>The request part of can-i and explain: <c>VERB RESOURCE [NAME]</c> or <c>VERB /path</c>, like kubectl auth can-i.</summary>
public sealed class RequestArguments
{
    public Argument<string?> Verb { get; } = new("VERB") { Description = "get, list, watch, create, update, patch, delete, deletecollection, impersonate, bind, escalate, *...", Arity = ArgumentArity.ZeroOrOne };

    public Argument<string?> Target { get; } = new("RESOURCE") { Description = "pods, po, deployments.apps, deploy, widgets.example.com, pods/NAME, or a non-resource URL such as /healthz", Arity = ArgumentArity.ZeroOrOne };

    public Argument<string?> Name { get; } = new("NAME") { Description = "Resource name", Arity = ArgumentArity.ZeroOrOne };

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Namespace of the request (default: default)" };

    public Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A") { Description = "Ask at the cluster scope, across all namespaces" };

    public Option<string?> Subresource { get; } = new("--subresource") { Description = "Subresource such as log, exec, status, scale" };

    public void AddTo(Command command)
    {
        command.Add(Verb);
        command.Add(Target);
        command.Add(Name);
        command.Add(Namespace);
        command.Add(AllNamespaces);
        command.Add(Subresource);
    }

    /// <summary>The namespace of the request: <c>-n</c>, or <c>default</c>, or empty with <c>-A</c>.</summary>
    public string NamespaceOf(ParseResult result)
    {
        var all = result.GetValue(AllNamespaces);
        var ns = result.GetValue(Namespace);
        if (all && ns is not null) throw new UsageException("--namespace and --all-namespaces cannot be used together");
        return all ? "" : ns ?? "default";
    }

    public bool HasRequest(ParseResult result) => result.GetValue(Verb) is not null || result.GetValue(Target) is not null || result.GetValue(Name) is not null;

    /// <summary>Builds the request attributes and the warnings kubectl would print for it.</summary>
    public (RequestAttributes Request, IReadOnlyList<string> Warnings) Build(ParseResult result, ApiResourceCatalog catalog)
    {
        var verb = result.GetValue(Verb) ?? throw new UsageException("VERB is required (e.g. get, list, delete)");
        var target = result.GetValue(Target) ?? throw new UsageException("RESOURCE is required (e.g. pods, deployments.apps, /healthz)");
        var name = result.GetValue(Name) ?? "";
        var all = result.GetValue(AllNamespaces);
        var ns = NamespaceOf(result);
        var subresource = result.GetValue(Subresource) ?? "";
        if (name.StartsWith('-')) throw new UsageException($"unknown flag: {name}");

        if (target.StartsWith('/'))
        {
            if (name.Length > 0 || subresource.Length > 0)
                throw new UsageException("a non-resource URL takes no NAME and no --subresource");
            return (RequestAttributes.ForPath(verb, target), CanIWarnings.ForNonResourceCheck(verb));
        }

        var slash = target.IndexOf('/');
        if (slash >= 0)
        {
            if (name.Length > 0) throw new UsageException($"give the name once: either {target} or RESOURCE NAME");
            name = target[(slash + 1)..];
            target = target[..slash];
        }
        if (target.Length == 0) throw new UsageException("RESOURCE is empty");
        var resolver = new ResourceResolver(catalog);
        var resolution = resolver.ResolveForCanI(target);
        var warnings = resolution.Warnings.Concat(CanIWarnings.ForResourceCheck(verb, resolution, all, resolver)).ToArray();
        var request = RequestAttributes.ForResource(verb, resolution.Resource.Group, resolution.Resource.Resource,
            ns, name, subresource);
        return (request, warnings);
    }
}
