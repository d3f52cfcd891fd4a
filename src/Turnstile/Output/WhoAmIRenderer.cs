using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Cli.Output;

/// <summary>Prints a Kubernetes user as <c>kubectl auth whoami</c> does: an ATTRIBUTE/VALUE table, or the SelfSubjectReview as JSON/YAML.</summary>
public static class WhoAmIRenderer
{
    public static string Render(KubeUser user, string format) => format switch
    {
        "json" => Review(user).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IndentSize = 4 }) + "\n",
        "yaml" => Yaml(Review(user)),
        _ => Table(user),
    };

    private static string Table(KubeUser user)
    {
        var rows = new List<(string, string)> { ("ATTRIBUTE", "VALUE"), ("Username", user.Username) };
        if (user.Uid.Length > 0) rows.Add(("UID", user.Uid));
        rows.Add(("Groups", "[" + string.Join(' ', user.Groups) + "]"));
        foreach (var (key, values) in user.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
            rows.Add(("Extra: " + key, "[" + string.Join(' ', values) + "]"));
        return KubectlTabWriter.Format(rows.Select(r => new[] { r.Item1, r.Item2 }).ToArray());
    }

    /// <summary>The SelfSubjectReview kubectl prints with -o json (userInfo members omitted when empty, as the API does).</summary>
    private static JsonObject Review(KubeUser user)
    {
        var info = new JsonObject { ["username"] = user.Username };
        if (user.Uid.Length > 0) info["uid"] = user.Uid;
        if (user.Groups.Count > 0) info["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        if (user.Extra.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var (key, values) in user.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
                extra[key] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            info["extra"] = extra;
        }
        return new JsonObject
        {
            ["kind"] = "SelfSubjectReview",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject(),
            ["status"] = new JsonObject { ["userInfo"] = info },
        };
    }

    private static string Yaml(JsonObject review)
    {
        var stream = new YamlStream(new YamlDocument(ToYaml(review)));
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject o => new YamlMappingNode(o.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYaml(p.Value)))),
        JsonArray a => new YamlSequenceNode(a.Select(ToYaml)),
        null => new YamlScalarNode("null"),
        _ => Scalar(node.GetValue<string>()),
    };

    private static YamlScalarNode Scalar(string value)
    {
        // Quote values YAML would otherwise read as another type or that start with an indicator character.
        var needsQuotes = value.Length == 0 || value is "true" or "false" or "null" or "~" ||
                          double.TryParse(value, out _) || ":{}[],&*#?|-<>=!%@`\"'".Contains(value[0]) || value.Contains(": ");
        return new YamlScalarNode(value) { Style = needsQuotes ? YamlDotNet.Core.ScalarStyle.DoubleQuoted : YamlDotNet.Core.ScalarStyle.Plain };
    }
}
