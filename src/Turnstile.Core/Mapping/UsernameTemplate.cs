using System.Text.RegularExpressions;
using Turnstile.Core.Authn;

namespace Turnstile.Core.Mapping;

/// <summary>Resolves an EC2 instance id to its private DNS name (the authenticator asks EC2 DescribeInstances).</summary>
public interface IInstanceDnsResolver
{
    bool TryResolve(string instanceId, out string privateDnsName);
}

public sealed class InstanceDnsTable(IReadOnlyDictionary<string, string> entries) : IInstanceDnsResolver
{
    public static InstanceDnsTable Empty { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Entries { get; } = entries;

    public bool TryResolve(string instanceId, out string privateDnsName) => Entries.TryGetValue(instanceId, out privateDnsName!);
}

public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// aws-iam-authenticator's template rendering for usernames and groups: plain substring replacement of
/// <c>{{EC2PrivateDNSName}}</c>, <c>{{AccountID}}</c>, <c>{{SessionName}}</c> (with <c>@</c> turned into <c>-</c>),
/// <c>{{SessionNameRaw}}</c> and <c>{{AccessKeyID}}</c>, in that order. Unknown placeholders stay verbatim.
/// </summary>
public static partial class UsernameTemplate
{
    public const string Ec2PrivateDnsName = "{{EC2PrivateDNSName}}";
    public const string AccountId = "{{AccountID}}";
    public const string SessionName = "{{SessionName}}";
    public const string SessionNameRaw = "{{SessionNameRaw}}";
    public const string AccessKeyId = "{{AccessKeyID}}";

    [GeneratedRegex(@"^i-(\w{8}|\w{17})$")]
    private static partial Regex InstanceId();

    public static bool HasTemplate(string text) => text.Contains("{{", StringComparison.Ordinal);

    public static string Render(string template, AwsIdentity identity, IInstanceDnsResolver instances)
    {
        if (!HasTemplate(template)) return template;
        var result = template;
        if (result.Contains(Ec2PrivateDnsName, StringComparison.Ordinal))
        {
            if (!InstanceId().IsMatch(identity.SessionName)) throw new TemplateException("SessionName did not contain an instance id");
            if (!instances.TryResolve(identity.SessionName, out var dns)) throw new TemplateException($"failed to find node {identity.SessionName} ");
            result = result.Replace(Ec2PrivateDnsName, dns, StringComparison.Ordinal);
        }
        return result
            .Replace(AccountId, identity.AccountId, StringComparison.Ordinal)
            .Replace(SessionName, identity.SessionName.Replace('@', '-'), StringComparison.Ordinal)
            .Replace(SessionNameRaw, identity.SessionName, StringComparison.Ordinal)
            .Replace(AccessKeyId, identity.AccessKeyId, StringComparison.Ordinal);
    }
}
