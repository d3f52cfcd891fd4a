using Turnstile.Core.Mapping;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Core.Analysis.Lint;

/// <summary>Where each aws-auth row sits (line within its section) and which field names it uses, for lint messages.</summary>
internal sealed record AwsAuthRowSource(string Section, int Index, int Line, IReadOnlyList<string> Fields)
{
    public string Location => $"aws-auth data.{Section}[{Index}] (line {Line})";

    /// <summary>The rows of a section that loads as a YAML list; nothing for a section the authenticator drops.</summary>
    public static IReadOnlyList<AwsAuthRowSource> Read(IReadOnlyDictionary<string, string> data, string section)
    {
        if (!data.TryGetValue(section, out var text)) return [];
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return [];
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlSequenceNode rows) return [];
        return rows.Children.Select((row, i) => new AwsAuthRowSource(section, i, (int)row.Start.Line,
            row is YamlMappingNode map ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray() : [])).ToArray();
    }

    public static readonly IReadOnlyDictionary<string, string[]> KnownFields = new Dictionary<string, string[]>
    {
        [AwsAuthConfig.MapRolesKey] = ["rolearn", "username", "groups", "sso"],
        [AwsAuthConfig.MapUsersKey] = ["userarn", "username", "groups"],
    };
}
