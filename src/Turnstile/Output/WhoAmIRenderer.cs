using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;

namespace Turnstile.Cli.Output;

/// <summary>Prints a Kubernetes user as <c>kubectl auth whoami</c> does: an ATTRIBUTE/VALUE table, or the SelfSubjectReview as JSON/YAML.</summary>
public static class WhoAmIRenderer
{
    public static string Render(KubeUser user, string format) => format switch
    {
        "json" => Review(user).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, IndentSize = 4 }) + "\n",
        "yaml" => Structured.Yaml(Review(user)),
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
}
