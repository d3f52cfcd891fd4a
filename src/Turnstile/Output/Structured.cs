using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Cli.Output;

/// <summary><c>-o json</c> and <c>-o yaml</c>: the same document, serialized by System.Text.Json and converted to YAML.</summary>
public static class Structured
{
    public static bool Handles(string format) => format is "json" or "yaml";

    public static void Write<T>(T value, string format) => Console.Write(format == "yaml" ? Yaml(JsonSerializer.SerializeToNode(value, Json.Options)) : Json.Serialize(value) + "\n");

    public static string Yaml(JsonNode? node)
    {
        var stream = new YamlStream(new YamlDocument(ToYaml(node)));
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
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Scalar(v.GetValue<string>()),
        _ => new YamlScalarNode(node.ToJsonString()),
    };

    private static YamlScalarNode Scalar(string value)
    {
        // Quote values YAML would otherwise read as another type or that start with an indicator character.
        var needsQuotes = value.Length == 0 || value is "true" or "false" or "null" or "~" ||
                          double.TryParse(value, out _) || ":{}[],&*#?|-<>=!%@`\"'".Contains(value[0]) || value.Contains(": ") || value.Contains(" #");
        return new YamlScalarNode(value) { Style = needsQuotes ? ScalarStyle.DoubleQuoted : ScalarStyle.Plain };
    }
}
