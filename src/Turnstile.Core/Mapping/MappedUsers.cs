using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>The Kubernetes user an IAM identity becomes once a source maps it (templates rendered, uid and extra set).</summary>
public static class MappedUsers
{
    /// <summary>Renders the username and group templates; a template that cannot render refuses the identity.</summary>
    public static MappingResult Render(AwsIdentity identity, string usernameTemplate, IReadOnlyList<string> groupTemplates, MappingSource source,
        IInstanceDnsResolver instances, List<string>? trace)
    {
        try
        {
            var username = UsernameTemplate.Render(usernameTemplate, identity, instances);
            var groups = new string[groupTemplates.Count];
            for (var i = 0; i < groups.Length; i++) groups[i] = UsernameTemplate.Render(groupTemplates[i], identity, instances);
            return Mapped(identity, username, groups, source, trace);
        }
        catch (TemplateException e)
        {
            var error = $"renderTemplates error: {e.Message}";
            trace?.Add(error);
            return new MappingResult { Error = error, Source = source, Trace = (IReadOnlyList<string>?)trace ?? [] };
        }
    }

    public static MappingResult Mapped(AwsIdentity identity, string username, IReadOnlyList<string> groups, MappingSource source, List<string>? trace) => new()
    {
        User = new KubeUser(username, UidOf(identity), groups, ExtraOf(identity)),
        Source = source,
        Trace = (IReadOnlyList<string>?)trace ?? [],
    };

    public static string UidOf(AwsIdentity identity) => $"aws-iam-authenticator:{identity.AccountId}:{identity.UserId}";

    /// <summary>The extra keys aws-iam-authenticator attaches, each a one-element list (empty strings kept).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraOf(AwsIdentity identity) => new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["accessKeyId"] = [identity.AccessKeyId],
        ["arn"] = [identity.Arn],
        ["canonicalArn"] = [identity.CanonicalArn],
        ["principalId"] = [identity.UserId],
        ["sessionName"] = [identity.SessionName],
        ["sigs.k8s.io/aws-iam-authenticator/principalId"] = [identity.UserId],
    };
}
