using System.Security.Cryptography;
using System.Text.Json;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Discovery;

/// <summary>The discovery formats a client can ask for in <c>Accept</c>.</summary>
public enum DiscoveryFormat
{
    /// <summary><c>APIVersions</c>, <c>APIGroupList</c>, <c>APIGroup</c>, <c>APIResourceList</c> as <c>application/json</c>.</summary>
    Legacy,

    /// <summary><c>apidiscovery.k8s.io/v2</c> <c>APIGroupDiscoveryList</c>.</summary>
    AggregatedV2,

    /// <summary><c>apidiscovery.k8s.io/v2beta1</c> <c>APIGroupDiscoveryList</c> (same shape as v2).</summary>
    AggregatedV2Beta1,
}

/// <summary>A response body with its <c>Content-Type</c> and <c>ETag</c> (quoted, as the header carries it).</summary>
public sealed record DiscoveryDocument(byte[] Body, string ContentType, string ETag)
{
    /// <summary>True when an <c>If-None-Match</c> header names this document's ETag (the server answers 304).</summary>
    public bool MatchesIfNoneMatch(string? ifNoneMatch) =>
        ifNoneMatch is not null && ifNoneMatch.Split(',').Any(t => t.Trim() == ETag || t.Trim() == "*");

    internal static DiscoveryDocument Of(byte[] body, string contentType) =>
        new(body, contentType, "\"" + Convert.ToHexString(SHA512.HashData(body)) + "\"");
}

/// <summary>
/// The discovery documents of one API catalogue, serialized as kube-apiserver v1.32 does: compact JSON, its field
/// order, empty optional fields omitted, Go string escaping, a trailing newline. Built once per catalogue.
/// </summary>
public sealed class DiscoveryDocuments
{
    public const string JsonContentType = "application/json";
    public const string AggregatedV2ContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public const string AggregatedV2Beta1ContentType = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private readonly ApiResourceCatalog _catalog;
    private readonly Dictionary<(bool Core, DiscoveryFormat Format), DiscoveryDocument> _aggregated = [];
    private readonly Lock _gate = new();

    public DiscoveryDocuments(ApiResourceCatalog catalog)
    {
        _catalog = catalog;
        GroupList = DiscoveryDocument.Of(KubeJsonWriter.Write(WriteGroupList), JsonContentType);
    }

    /// <summary><c>GET /apis</c> (legacy): every named group with its versions and preferred version.</summary>
    public DiscoveryDocument GroupList { get; }

    /// <summary><c>GET /api</c> (legacy): <c>APIVersions</c> naming the address clients reach the server at.</summary>
    public DiscoveryDocument ApiVersions(string serverAddress) =>
        DiscoveryDocument.Of(KubeJsonWriter.Write(w =>
        {
            w.WriteStartObject();
            KubeJsonWriter.String(w, "kind", "APIVersions");
            KubeJsonWriter.StringArray(w, "versions", _catalog.CoreGroup?.Versions.Select(v => v.Version) ?? []);
            w.WriteStartArray("serverAddressByClientCIDRs");
            w.WriteStartObject();
            KubeJsonWriter.String(w, "clientCIDR", "0.0.0.0/0");
            KubeJsonWriter.String(w, "serverAddress", serverAddress);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }), JsonContentType);

    /// <summary><c>GET /apis/&lt;group&gt;</c>: one <c>APIGroup</c>; null for a group not served.</summary>
    public DiscoveryDocument? Group(string group)
    {
        var g = _catalog.FindGroup(group);
        if (g is null || group.Length == 0) return null;
        return DiscoveryDocument.Of(KubeJsonWriter.Write(w =>
        {
            w.WriteStartObject();
            KubeJsonWriter.String(w, "kind", "APIGroup");
            KubeJsonWriter.String(w, "apiVersion", "v1");
            WriteGroupBody(w, g);
            w.WriteEndObject();
        }), JsonContentType);
    }

    /// <summary>
    /// <c>GET /api/v1</c> or <c>GET /apis/&lt;group&gt;/&lt;version&gt;</c>: the <c>APIResourceList</c>, each subresource as
    /// its own <c>resource/sub</c> entry, sorted by name; null for a group-version not served.
    /// </summary>
    public DiscoveryDocument? ResourceList(string group, string version)
    {
        var gv = _catalog.FindGroupVersion(group, version);
        if (gv is null) return null;
        return DiscoveryDocument.Of(KubeJsonWriter.Write(w =>
        {
            w.WriteStartObject();
            KubeJsonWriter.String(w, "kind", "APIResourceList");
            // the core group's list is written by a separate handler that leaves apiVersion out
            if (group.Length > 0) KubeJsonWriter.String(w, "apiVersion", "v1");
            KubeJsonWriter.String(w, "groupVersion", gv.GroupVersionString);
            w.WriteStartArray("resources");
            foreach (var entry in LegacyEntries(gv).OrderBy(e => e.Name, StringComparer.Ordinal))
                WriteLegacyEntry(w, entry);
            w.WriteEndArray();
            w.WriteEndObject();
        }), JsonContentType);
    }

    /// <summary>
    /// Aggregated discovery (<c>GET /api</c> or <c>GET /apis</c> with an aggregated <c>Accept</c>): an
    /// <c>APIGroupDiscoveryList</c> of the core group or of every named group. Its ETag changes whenever the served set does.
    /// </summary>
    public DiscoveryDocument Aggregated(bool core, DiscoveryFormat format)
    {
        if (format == DiscoveryFormat.Legacy) throw new ArgumentOutOfRangeException(nameof(format), "legacy discovery is not aggregated");
        lock (_gate)
        {
            if (_aggregated.TryGetValue((core, format), out var doc)) return doc;
            var groups = core ? _catalog.Groups.Where(g => g.Name.Length == 0) : _catalog.NamedGroups;
            var apiVersion = format == DiscoveryFormat.AggregatedV2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1";
            var body = KubeJsonWriter.Write(w => WriteAggregated(w, apiVersion, groups));
            doc = DiscoveryDocument.Of(body, format == DiscoveryFormat.AggregatedV2 ? AggregatedV2ContentType : AggregatedV2Beta1ContentType);
            _aggregated[(core, format)] = doc;
            return doc;
        }
    }

    /// <summary>
    /// Picks the format for an <c>Accept</c> header the way the server negotiates it: the first acceptable media range
    /// wins; aggregated forms need <c>g=apidiscovery.k8s.io</c>, <c>v=v2|v2beta1</c> and <c>as=APIGroupDiscoveryList</c>.
    /// A missing or empty header means JSON. Null when nothing offered is served (406).
    /// </summary>
    public static DiscoveryFormat? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return DiscoveryFormat.Legacy;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var type = parts[0].Trim().ToLowerInvariant();
            if (type is not ("application/json" or "application/*" or "*/*")) continue;
            var parameters = parts.Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0].Trim().ToLowerInvariant(), kv => kv[1].Trim(), StringComparer.Ordinal);
            parameters.Remove("q");
            parameters.Remove("profile");
            if (parameters.Count == 0) return DiscoveryFormat.Legacy;
            if (parameters.GetValueOrDefault("g") != "apidiscovery.k8s.io" || parameters.GetValueOrDefault("as") != "APIGroupDiscoveryList" || parameters.Count != 3)
                continue;
            switch (parameters.GetValueOrDefault("v"))
            {
                case "v2": return DiscoveryFormat.AggregatedV2;
                case "v2beta1": return DiscoveryFormat.AggregatedV2Beta1;
            }
        }
        return null;
    }

    private void WriteGroupList(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        KubeJsonWriter.String(w, "kind", "APIGroupList");
        KubeJsonWriter.String(w, "apiVersion", "v1");
        w.WriteStartArray("groups");
        foreach (var g in _catalog.NamedGroups)
        {
            w.WriteStartObject();
            WriteGroupBody(w, g);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGroupBody(Utf8JsonWriter w, ApiGroup g)
    {
        KubeJsonWriter.String(w, "name", g.Name);
        w.WriteStartArray("versions");
        foreach (var v in g.Versions) WriteGroupVersion(w, null, v);
        w.WriteEndArray();
        WriteGroupVersion(w, "preferredVersion", g.Versions[0]);
    }

    private static void WriteGroupVersion(Utf8JsonWriter w, string? name, ApiGroupVersion v)
    {
        if (name is null) w.WriteStartObject(); else w.WriteStartObject(name);
        KubeJsonWriter.String(w, "groupVersion", v.GroupVersionString);
        KubeJsonWriter.String(w, "version", v.Version);
        w.WriteEndObject();
    }

    private sealed record LegacyEntry(string Name, string SingularName, bool Namespaced, string Group, string Version, string Kind,
        IReadOnlyList<string> Verbs, IReadOnlyList<string> ShortNames, IReadOnlyList<string> Categories, string StorageVersionHash);

    private static IEnumerable<LegacyEntry> LegacyEntries(ApiGroupVersion gv)
    {
        foreach (var r in gv.Resources)
        {
            yield return new(r.Name, r.SingularName, r.Namespaced, "", "", r.Kind, r.Verbs, r.ShortNames, r.Categories, r.StorageVersionHash);
            foreach (var s in r.Subresources)
                yield return new(r.Name + "/" + s.Name, "", r.Namespaced, s.Group, s.Version, s.Kind, s.Verbs, [], [], "");
        }
    }

    private static void WriteLegacyEntry(Utf8JsonWriter w, LegacyEntry e)
    {
        w.WriteStartObject();
        KubeJsonWriter.String(w, "name", e.Name);
        KubeJsonWriter.String(w, "singularName", e.SingularName);
        w.WriteBoolean("namespaced", e.Namespaced);
        if (e.Group.Length > 0) KubeJsonWriter.String(w, "group", e.Group);
        if (e.Version.Length > 0) KubeJsonWriter.String(w, "version", e.Version);
        KubeJsonWriter.String(w, "kind", e.Kind);
        KubeJsonWriter.StringArray(w, "verbs", e.Verbs);
        if (e.ShortNames.Count > 0) KubeJsonWriter.StringArray(w, "shortNames", e.ShortNames);
        if (e.Categories.Count > 0) KubeJsonWriter.StringArray(w, "categories", e.Categories);
        if (e.StorageVersionHash.Length > 0) KubeJsonWriter.String(w, "storageVersionHash", e.StorageVersionHash);
        w.WriteEndObject();
    }

    private static void WriteAggregated(Utf8JsonWriter w, string apiVersion, IEnumerable<ApiGroup> groups)
    {
        w.WriteStartObject();
        KubeJsonWriter.String(w, "kind", "APIGroupDiscoveryList");
        KubeJsonWriter.String(w, "apiVersion", apiVersion);
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var g in groups)
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            if (g.Name.Length > 0) KubeJsonWriter.String(w, "name", g.Name);
            w.WriteNull("creationTimestamp");
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var v in g.Versions)
            {
                w.WriteStartObject();
                KubeJsonWriter.String(w, "version", v.Version);
                w.WriteStartArray("resources");
                foreach (var r in v.Resources.OrderBy(r => r.Name, StringComparer.Ordinal)) WriteAggregatedResource(w, r);
                w.WriteEndArray();
                KubeJsonWriter.String(w, "freshness", "Current");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // Built-in resources name their response kind with empty group and version when it is their own group-version;
    // CRDs (built by apiextensions-apiserver) always give the full group/version/kind.
    private static void WriteAggregatedResource(Utf8JsonWriter w, ApiResource r)
    {
        var fullKinds = r.Source is ApiSource.CustomResource or ApiSource.EksCustomResource;
        w.WriteStartObject();
        KubeJsonWriter.String(w, "resource", r.Name);
        WriteKind(w, fullKinds ? r.Group : "", fullKinds ? r.Version : "", r.Kind);
        KubeJsonWriter.String(w, "scope", r.Namespaced ? "Namespaced" : "Cluster");
        KubeJsonWriter.String(w, "singularResource", r.SingularName);
        KubeJsonWriter.StringArray(w, "verbs", r.Verbs);
        if (r.ShortNames.Count > 0) KubeJsonWriter.StringArray(w, "shortNames", r.ShortNames);
        if (r.Categories.Count > 0) KubeJsonWriter.StringArray(w, "categories", r.Categories);
        if (r.Subresources.Count > 0)
        {
            w.WriteStartArray("subresources");
            foreach (var s in r.Subresources)
            {
                w.WriteStartObject();
                KubeJsonWriter.String(w, "subresource", s.Name);
                var sameGroupVersion = s.Group.Length == 0;
                WriteKind(w, sameGroupVersion ? (fullKinds ? r.Group : "") : s.Group, sameGroupVersion ? (fullKinds ? r.Version : "") : s.Version, s.Kind);
                KubeJsonWriter.StringArray(w, "verbs", s.Verbs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteKind(Utf8JsonWriter w, string group, string version, string kind)
    {
        w.WriteStartObject("responseKind");
        KubeJsonWriter.String(w, "group", group);
        KubeJsonWriter.String(w, "version", version);
        KubeJsonWriter.String(w, "kind", kind);
        w.WriteEndObject();
    }
}
