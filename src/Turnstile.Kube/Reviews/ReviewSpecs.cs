using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Turnstile.Kube.Reviews;

/// <summary><c>authorization.k8s.io/v1 ResourceAttributes</c> (the selectors of 1.32 are accepted and not evaluated).</summary>
public sealed record ResourceAttributes(
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("verb")] string? Verb,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("resource")] string? Resource,
    [property: JsonPropertyName("subresource")] string? Subresource,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("fieldSelector")] JsonObject? FieldSelector,
    [property: JsonPropertyName("labelSelector")] JsonObject? LabelSelector)
{
    /// <summary>Go's field order with omitempty.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) obj[name] = value;
        }
        Add("namespace", Namespace);
        Add("verb", Verb);
        Add("group", Group);
        Add("version", Version);
        Add("resource", Resource);
        Add("subresource", Subresource);
        Add("name", Name);
        if (FieldSelector is not null) obj["fieldSelector"] = FieldSelector.DeepClone();
        if (LabelSelector is not null) obj["labelSelector"] = LabelSelector.DeepClone();
        return obj;
    }
}

/// <summary><c>authorization.k8s.io/v1 NonResourceAttributes</c>.</summary>
public sealed record NonResourceAttributes(
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("verb")] string? Verb)
{
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        if (!string.IsNullOrEmpty(Path)) obj["path"] = Path;
        if (!string.IsNullOrEmpty(Verb)) obj["verb"] = Verb;
        return obj;
    }
}

/// <summary>The spec of SubjectAccessReview and LocalSubjectAccessReview (SelfSubjectAccessReview uses the first two).</summary>
public sealed record AccessReviewSpec(
    [property: JsonPropertyName("resourceAttributes")] ResourceAttributes? ResourceAttributes,
    [property: JsonPropertyName("nonResourceAttributes")] NonResourceAttributes? NonResourceAttributes,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("groups")] IReadOnlyList<string>? Groups,
    [property: JsonPropertyName("extra")] IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra,
    [property: JsonPropertyName("uid")] string? Uid)
{
    public JsonObject ToJson(bool withSubject)
    {
        var obj = new JsonObject();
        if (ResourceAttributes is not null) obj["resourceAttributes"] = ResourceAttributes.ToJson();
        if (NonResourceAttributes is not null) obj["nonResourceAttributes"] = NonResourceAttributes.ToJson();
        if (!withSubject) return obj;
        if (!string.IsNullOrEmpty(User)) obj["user"] = User;
        if (Groups is { Count: > 0 }) obj["groups"] = new JsonArray(Groups.Select(g => (JsonNode?)g).ToArray());
        if (Extra is { Count: > 0 }) obj["extra"] = ReviewJson.Extra(Extra);
        if (!string.IsNullOrEmpty(Uid)) obj["uid"] = Uid;
        return obj;
    }
}

public sealed record RulesReviewSpec([property: JsonPropertyName("namespace")] string? Namespace);

public sealed record TokenReviewSpec(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("audiences")] IReadOnlyList<string>? Audiences);

/// <summary>The four review kinds' specs as they arrive (typed), and the objects' metadata.</summary>
public sealed record ReviewBody<TSpec>(
    [property: JsonPropertyName("metadata")] JsonObject? Metadata,
    [property: JsonPropertyName("spec")] TSpec? Spec) where TSpec : class;

internal static class ReviewJson
{
    public static JsonObject Extra(IReadOnlyDictionary<string, IReadOnlyList<string>> extra)
    {
        var obj = new JsonObject();
        foreach (var (key, values) in extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            obj[key] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        return obj;
    }
}
