using System.Text.Json.Nodes;

namespace Turnstile.Kube.Catalog;

/// <summary>The names of a custom resource (<c>spec.names</c>).</summary>
public sealed record CrdNames(
    string Plural, string Singular, string Kind, string ListKind,
    IReadOnlyList<string> ShortNames, IReadOnlyList<string> Categories);

/// <summary>One <c>additionalPrinterColumns</c> entry.</summary>
public sealed record CrdPrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);

/// <summary>The scale subresource's JSON paths.</summary>
public sealed record CrdScale(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>One entry of <c>spec.versions</c>.</summary>
/// <param name="Schema">The version's <c>schema.openAPIV3Schema</c>; null when the CRD declares none.</param>
public sealed record CrdVersion(
    string Name,
    bool Served,
    bool Storage,
    bool Deprecated,
    string? DeprecationWarning,
    JsonObject? Schema,
    bool HasStatus,
    CrdScale? Scale,
    IReadOnlyList<CrdPrinterColumn> PrinterColumns);

/// <summary>
/// The parts of an <c>apiextensions.k8s.io/v1 CustomResourceDefinition</c> that decide what the cluster serves:
/// group, names, scope, and per version: served/storage, schema, subresources, printer columns.
/// </summary>
public sealed record CustomResourceDefinition(string Name, string Group, CrdNames Names, bool Namespaced, IReadOnlyList<CrdVersion> Versions)
{
    /// <summary>The version objects are stored at.</summary>
    public CrdVersion StorageVersion => Versions.First(v => v.Storage);

    /// <summary>The printer columns a served version uses: its own, or <c>Age</c> when it declares none.</summary>
    public static IReadOnlyList<CrdPrinterColumn> ColumnsOrDefault(CrdVersion version) =>
        version.PrinterColumns.Count > 0
            ? version.PrinterColumns
            : [new CrdPrinterColumn("Age", "date", "", "", 0, ".metadata.creationTimestamp")];

    /// <summary>
    /// Reads a CRD object (as stored or as posted). Only what shapes the served API is read; field validation of the
    /// CRD itself belongs to its registry strategy.
    /// </summary>
    /// <exception cref="FormatException">A field the served API needs is missing or has the wrong type.</exception>
    public static CustomResourceDefinition FromObject(JsonObject crd)
    {
        var name = Str(crd, "metadata", "name");
        var spec = Obj(crd, "spec");
        var group = Str(spec, "group");
        var names = Obj(spec, "names");
        var plural = Str(names, "plural");
        var kind = Str(names, "kind");
        var crdNames = new CrdNames(
            plural,
            OptStr(names, "singular") is { Length: > 0 } s ? s : kind.ToLowerInvariant(),
            kind,
            OptStr(names, "listKind") is { Length: > 0 } lk ? lk : kind + "List",
            StrList(names, "shortNames"),
            StrList(names, "categories"));
        var scope = Str(spec, "scope");
        if (scope is not ("Namespaced" or "Cluster")) throw new FormatException($"spec.scope: unsupported value \"{scope}\"");

        var versions = new List<CrdVersion>();
        if (spec["versions"] is not JsonArray vs || vs.Count == 0) throw new FormatException("spec.versions: must have at least one version");
        foreach (var node in vs)
        {
            if (node is not JsonObject v) throw new FormatException("spec.versions: expected objects");
            var sub = v["subresources"] as JsonObject;
            CrdScale? scale = null;
            if (sub?["scale"] is JsonObject sc)
                scale = new CrdScale(Str(sc, "specReplicasPath"), Str(sc, "statusReplicasPath"), OptStr(sc, "labelSelectorPath"));
            var columns = new List<CrdPrinterColumn>();
            if (v["additionalPrinterColumns"] is JsonArray cols)
                foreach (var c in cols.OfType<JsonObject>())
                    columns.Add(new CrdPrinterColumn(Str(c, "name"), Str(c, "type"), OptStr(c, "format") ?? "",
                        OptStr(c, "description") ?? "", c["priority"] is JsonValue p && p.TryGetValue<int>(out var pr) ? pr : 0, Str(c, "jsonPath")));
            versions.Add(new CrdVersion(
                Str(v, "name"),
                Bool(v, "served"),
                Bool(v, "storage"),
                Bool(v, "deprecated"),
                OptStr(v, "deprecationWarning"),
                (v["schema"] as JsonObject)?["openAPIV3Schema"] as JsonObject,
                sub?["status"] is JsonObject,
                scale,
                columns));
        }
        if (versions.Count(v => v.Storage) != 1) throw new FormatException("spec.versions: must have exactly one version marked as storage version");
        return new CustomResourceDefinition(name, group, crdNames, scope == "Namespaced", versions);
    }

    private static JsonObject Obj(JsonObject o, string key) =>
        o[key] as JsonObject ?? throw new FormatException($"{key}: Required value");

    private static string Str(JsonObject o, string key) =>
        OptStr(o, key) is { Length: > 0 } s ? s : throw new FormatException($"{key}: Required value");

    private static string Str(JsonObject o, string key1, string key2) => Str(Obj(o, key1), key2);

    private static string? OptStr(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static IReadOnlyList<string> StrList(JsonObject o, string key) =>
        o[key] is JsonArray a ? a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0).ToArray() : [];
}
