using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>
/// The <c>/scale</c> subresource of deployments, replicasets, statefulsets and replicationcontrollers: an
/// autoscaling/v1 Scale read from the parent, and writes of <c>spec.replicas</c> through it.
/// </summary>
public static class ScaleSubresource
{
    public const string ApiVersion = "autoscaling/v1";

    public static async Task<KubeObject> GetAsync(KubeRegistry registry, RegistryRequest request, CancellationToken cancellationToken)
    {
        var parent = await registry.GetAsync(request with { Subresource = "" }, "", cancellationToken).ConfigureAwait(false);
        return From(parent.ToObject());
    }

    /// <summary>
    /// Updates the parent's replicas from the Scale <paramref name="newScale"/> makes of the current one; a Scale that
    /// names a resourceVersion must name the parent's current one.
    /// </summary>
    public static async Task<KubeObject> UpdateAsync(KubeRegistry registry, RegistryRequest request, Func<KubeObject, ValueTask<KubeObject>> newScale,
        CancellationToken cancellationToken)
    {
        var (updated, _) = await registry.UpdateAsync(request with { Subresource = "" }, async existing =>
        {
            var parent = existing!.Clone();
            var scale = await newScale(From(parent)).ConfigureAwait(false);
            var errors = ObjectMetaValidation.Validate(scale, true, NameRules.Dns1123Subdomain);
            var replicas = KubeObject.Int(scale["spec"] as JsonObject, "replicas") ?? 0;
            if (replicas < 0) errors.Add(FieldError.Invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
            if (errors.Count > 0) throw new KubeApiException(KubeStatus.Invalid("autoscaling", "Scale", parent.Name, errors));
            if (parent["spec"] is not JsonObject spec) parent["spec"] = spec = new JsonObject();
            spec["replicas"] = replicas;
            parent.ResourceVersion = scale.ResourceVersion;
            return parent;
        }, preconditionUid: null, forceAllowCreate: false, cancellationToken).ConfigureAwait(false);
        return From(updated);
    }

    /// <summary>kube's scaleFromDeployment (and its siblings): identity metadata, desired and observed replicas, the selector as a string.</summary>
    public static KubeObject From(KubeObject parent)
    {
        var spec = parent["spec"] as JsonObject;
        var status = parent["status"] as JsonObject;
        var metadata = new JsonObject { ["name"] = parent.Name, ["namespace"] = parent.Namespace, ["uid"] = parent.Uid };
        if (parent.ResourceVersion.Length > 0) metadata["resourceVersion"] = parent.ResourceVersion;
        metadata["creationTimestamp"] = parent.CreationTimestamp.Length > 0 ? parent.CreationTimestamp : null;
        var scaleSpec = new JsonObject();
        if (KubeObject.Int(spec, "replicas") is { } desired and not 0) scaleSpec["replicas"] = desired;
        var scaleStatus = new JsonObject { ["replicas"] = KubeObject.Int(status, "replicas") ?? 0 };
        var selector = SelectorString(spec?["selector"], parent.Kind == "ReplicationController");
        if (selector.Length > 0) scaleStatus["selector"] = selector;
        return new KubeObject(new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = ApiVersion,
            ["metadata"] = metadata,
            ["spec"] = scaleSpec,
            ["status"] = scaleStatus,
        });
    }

    // metav1.LabelSelectorAsSelector(...).String(), or SelectorFromSet for a ReplicationController's map.
    private static string SelectorString(JsonNode? selector, bool isMap)
    {
        if (selector is not JsonObject obj) return "";
        var requirements = new List<(string Key, string Text)>();
        var matchLabels = isMap ? obj : obj["matchLabels"] as JsonObject;
        if (matchLabels is not null)
            foreach (var (key, value) in matchLabels)
                requirements.Add((key, key + "=" + AsString(value)));
        if (!isMap && obj["matchExpressions"] is JsonArray expressions)
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = KubeObject.String(e, "key");
                var values = KubeObject.StringList(e["values"]).Order(StringComparer.Ordinal).Distinct().ToList();
                var text = KubeObject.String(e, "operator") switch
                {
                    "In" => $"{key} in ({string.Join(",", values)})",
                    "NotIn" => $"{key} notin ({string.Join(",", values)})",
                    "Exists" => key,
                    "DoesNotExist" => "!" + key,
                    _ => null,
                };
                if (text is not null) requirements.Add((key, text));
            }
        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    private static string AsString(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "";
}
