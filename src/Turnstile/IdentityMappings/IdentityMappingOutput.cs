using System.Text.Json.Nodes;
using Turnstile.Core.Kube;

namespace Turnstile.Cli.IdentityMappings;

/// <summary><c>iamidentitymapping get</c>'s table (<c>ARN USERNAME GROUPS ACCOUNT</c>) and its <c>-o json|yaml</c> document.</summary>
public static class IdentityMappingOutput
{
    public static string Table(IReadOnlyList<IdentityMappingRow> rows) =>
        KubectlTabWriter.Format([["ARN", "USERNAME", "GROUPS", "ACCOUNT"], .. rows.Select(r => new[] { r.Arn, r.Username, string.Join(",", r.Groups), r.Account })]);

    /// <summary>eksctl's JSON fields: <c>rolearn</c> or <c>userarn</c>, <c>username</c>, <c>groups</c>; an account row is <c>{account}</c>.</summary>
    public static JsonArray Document(IReadOnlyList<IdentityMappingRow> rows) =>
        new(rows.Select(r =>
        {
            if (r.Account.Length > 0) return (JsonNode)new JsonObject { ["account"] = r.Account };
            var row = new JsonObject { [r.IsRole ? "rolearn" : "userarn"] = r.Arn };
            if (r.Username.Length > 0) row["username"] = r.Username;
            if (r.Groups.Count > 0) row["groups"] = new JsonArray(r.Groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray());
            return row;
        }).ToArray());
}
