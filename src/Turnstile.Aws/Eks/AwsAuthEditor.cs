using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;

namespace Turnstile.Aws.Eks;

/// <summary>
/// The edits EKS makes to <c>aws-auth</c> for managed node groups: it appends a <c>mapRoles</c> row for the node role
/// (keeping the existing text as written) and removes such rows when the last node group using the role goes.
/// </summary>
internal static class AwsAuthEditor
{
    public const string NodeUsername = "system:node:" + UsernameTemplate.Ec2PrivateDnsName;
    public static readonly IReadOnlyList<string> LinuxNodeGroups = ["system:bootstrappers", "system:nodes"];
    public static readonly IReadOnlyList<string> WindowsNodeGroups = ["system:bootstrappers", "system:nodes", "eks:kube-proxy-windows"];

    /// <summary>The row EKS writes; <c>rolearn</c> without a path, because aws-auth rows never match a path.</summary>
    public static Dictionary<string, object> NodeRow(string roleArn, bool windows) => new()
    {
        ["groups"] = (windows ? WindowsNodeGroups : LinuxNodeGroups).ToList(),
        ["rolearn"] = StripPath(roleArn),
        ["username"] = NodeUsername,
    };

    /// <summary>
    /// The data with the node role's row added unless an equal row (same rolearn, ignoring case and path) is there.
    /// Returns null when mapRoles cannot be parsed: EKS does not repair a broken ConfigMap.
    /// </summary>
    public static Dictionary<string, string>? AddNodeRole(IReadOnlyDictionary<string, string>? data, string roleArn, bool windows)
    {
        var result = data is null ? new Dictionary<string, string>() : new Dictionary<string, string>(data);
        var text = result.GetValueOrDefault(AwsAuthConfig.MapRolesKey) ?? "";
        var rows = Load(text);
        if (rows is null) return null;
        if (rows.Children.OfType<YamlMappingNode>().Any(row => SameRole(row, roleArn))) return result;

        var addition = Serialize(new List<object> { NodeRow(roleArn, windows) });
        if (rows.Children.Count == 0) result[AwsAuthConfig.MapRolesKey] = addition;
        else if (rows.Style != SequenceStyle.Flow) result[AwsAuthConfig.MapRolesKey] = (text.EndsWith('\n') ? text : text + "\n") + addition;
        else result[AwsAuthConfig.MapRolesKey] = Serialize(rows.Children.Select(ToPlain).Append(NodeRow(roleArn, windows)).ToList());
        return result;
    }

    /// <summary>The data without the rows EKS wrote for the node role; null when nothing changes.</summary>
    public static Dictionary<string, string>? RemoveNodeRole(IReadOnlyDictionary<string, string> data, string roleArn)
    {
        if (!data.TryGetValue(AwsAuthConfig.MapRolesKey, out var text)) return null;
        var rows = Load(text);
        if (rows is null) return null;
        var kept = rows.Children.Where(row => !(row is YamlMappingNode map && SameRole(map, roleArn) && Text(map, "username") == NodeUsername)).ToList();
        if (kept.Count == rows.Children.Count) return null;
        var result = new Dictionary<string, string>(data)
        {
            [AwsAuthConfig.MapRolesKey] = kept.Count == 0 ? "[]\n" : Serialize(kept.Select(ToPlain).ToList()),
        };
        return result;
    }

    private static YamlSequenceNode? Load(string text)
    {
        if (text.Trim().Length == 0) return new YamlSequenceNode();
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0) return new YamlSequenceNode();
            return stream.Documents[0].RootNode as YamlSequenceNode;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    private static bool SameRole(YamlMappingNode row, string roleArn) =>
        Text(row, "rolearn") is { } existing && string.Equals(StripPath(existing), StripPath(roleArn), StringComparison.OrdinalIgnoreCase);

    private static string? Text(YamlMappingNode row, string key)
    {
        foreach (var (k, v) in row.Children)
            if (k is YamlScalarNode s && string.Equals(s.Value, key, StringComparison.OrdinalIgnoreCase))
                return (v as YamlScalarNode)?.Value;
        return null;
    }

    private static string StripPath(string roleArn)
    {
        try { return PrincipalArn.StripPath(roleArn); }
        catch (ArnException) { return roleArn; }
    }

    private static object ToPlain(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode sequence => sequence.Children.Select(ToPlain).ToList(),
        YamlMappingNode map => map.Children.ToDictionary(p => (p.Key as YamlScalarNode)?.Value ?? "", p => ToPlain(p.Value)),
        _ => "",
    };

    private static readonly ISerializer Serializer = new SerializerBuilder().Build();

    private static string Serialize(object rows) => Serializer.Serialize(rows);
}
