using System.CommandLine;
using Turnstile.Core.Analysis;
using Turnstile.Core.Arns;
using Turnstile.Core.Authn;
using Turnstile.Core.Rbac;

namespace Turnstile.Cli.Commands;

/// <summary>An optional IAM principal for the analysis commands (<c>--as-arn</c>, <c>--session-name</c>, <c>--access-key-id</c>).</summary>
public sealed class PrincipalOptions(string description)
{
    public Option<string?> AsArn { get; } = new("--as-arn") { Description = description };

    public Option<string?> SessionName { get; } = new("--session-name")
    {
        Description = $"Session name for a role (an EC2 instance id for node roles); default '{OfflineIdentity.DefaultSessionName}'",
    };

    public Option<string?> AccessKeyId { get; } = new("--access-key-id") { Description = "Access key id (for {{AccessKeyID}} templates)" };

    public void AddTo(Command command)
    {
        command.Add(AsArn);
        command.Add(SessionName);
        command.Add(AccessKeyId);
    }

    public bool Given(ParseResult result) => result.GetValue(AsArn) is not null;

    /// <summary>The principal as the cluster sees it; a bad ARN is a usage error.</summary>
    public PrincipalView Resolve(ParseResult result, ClusterAnalysis analysis)
    {
        var arn = result.GetValue(AsArn) ?? throw new UsageException("--as-arn is required");
        try
        {
            return analysis.ForArn(arn, result.GetValue(SessionName), result.GetValue(AccessKeyId));
        }
        catch (ArnException e)
        {
            throw new UsageException($"--as-arn: {e.Message}");
        }
    }
}

/// <summary>A Kubernetes subject named on the command line: <c>User:NAME</c>, <c>Group:NAME</c>, <c>ServiceAccount:NAMESPACE:NAME</c>.</summary>
public sealed record SubjectSpec(string Kind, string Name, string Namespace)
{
    public const string Help = "Kubernetes subject: User:NAME, Group:NAME or ServiceAccount:NAMESPACE:NAME";

    public static SubjectSpec Parse(string text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0) throw new UsageException($"--subject {text}: expected {Help}");
        var kind = text[..colon].ToLowerInvariant() switch
        {
            "user" => SubjectKinds.User,
            "group" => SubjectKinds.Group,
            "serviceaccount" or "sa" => SubjectKinds.ServiceAccount,
            _ => throw new UsageException($"--subject {text}: unknown kind {text[..colon]}; expected User, Group or ServiceAccount"),
        };
        var rest = text[(colon + 1)..];
        if (kind != SubjectKinds.ServiceAccount)
            return rest.Length > 0 ? new SubjectSpec(kind, rest, "") : throw new UsageException($"--subject {text}: the name is empty");
        var split = rest.IndexOfAny([':', '/']);
        if (split <= 0 || split == rest.Length - 1) throw new UsageException($"--subject {text}: expected ServiceAccount:NAMESPACE:NAME");
        return new SubjectSpec(kind, rest[(split + 1)..], rest[..split]);
    }

    /// <summary>The user the API server would see for this subject when impersonated (<c>--as</c>, <c>--as-group</c>, <c>--sa</c>).</summary>
    public KubeUser User() => Kind switch
    {
        SubjectKinds.User => KubeUser.Of(Name, KubeUser.AuthenticatedGroup),
        SubjectKinds.Group => KubeUser.Of("turnstile:member-of:" + Name, Name, KubeUser.AuthenticatedGroup),
        _ => KubeUser.Of($"{SubjectMatcher.ServiceAccountUserPrefix}{Namespace}:{Name}", "system:serviceaccounts", "system:serviceaccounts:" + Namespace, KubeUser.AuthenticatedGroup),
    };

    public bool Matches(Subject subject, string bindingNamespace) =>
        subject.Kind == Kind && subject.Name == Name &&
        (Kind != SubjectKinds.ServiceAccount || (subject.Namespace.Length > 0 ? subject.Namespace : bindingNamespace) == Namespace);

    public override string ToString() => Kind == SubjectKinds.ServiceAccount ? $"{Kind} {Namespace}/{Name}" : $"{Kind} {Name}";
}
