using System.Globalization;
using Turnstile.Core.Kube;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Handlers;

public enum OutputFormat
{
    Json,
    Yaml,
}

/// <summary>A conversion asked for with <c>as=</c>/<c>g=</c>/<c>v=</c> Accept parameters.</summary>
public enum OutputTransform
{
    None,
    Table,
    PartialObjectMetadata,
    PartialObjectMetadataList,
}

/// <summary>What a response is written as: a serialization, and a conversion to meta.k8s.io kinds at a version.</summary>
public sealed record OutputType(OutputFormat Format, OutputTransform Transform = OutputTransform.None, string TransformVersion = "v1")
{
    public static readonly OutputType Json = new(OutputFormat.Json);

    public string ContentType => Format == OutputFormat.Json ? "application/json" : "application/yaml";
}

/// <summary>
/// kube-apiserver's content negotiation (goautoneg ordering, then the first clause a serializer and the endpoint's
/// restrictions accept), for the media types this server serves: JSON and YAML (no protobuf).
/// </summary>
public static class MediaTypes
{
    private static readonly (string Type, string SubType, OutputFormat Format)[] Served =
    [
        ("application", "json", OutputFormat.Json),
        ("application", "yaml", OutputFormat.Yaml),
    ];

    public static readonly string[] Supported = ["application/json", "application/yaml"];

    /// <summary>The output for a response; null when nothing in <paramref name="accept"/> can be served (406).</summary>
    /// <param name="transforms">Whether Table/PartialObjectMetadata conversions may be chosen (not for error Status bodies).</param>
    public static OutputType? Negotiate(string? accept, bool transforms = true)
    {
        if (string.IsNullOrWhiteSpace(accept)) return OutputType.Json;
        foreach (var clause in ParseAccept(accept))
            foreach (var (type, subType, format) in Served)
            {
                var matches = (clause.Type == type && (clause.SubType == subType || clause.SubType == "*")) || (clause.Type == "*" && clause.SubType == "*");
                if (matches && Options(clause.Params, format, transforms) is { } output) return output;
            }
        return null;
    }

    /// <summary>The 406 for an Accept header nothing can answer.</summary>
    public static KubeStatus NotAcceptable(IEnumerable<string> accepted) =>
        new(406, "NotAcceptable", "only the following media types are accepted: " + string.Join(", ", accepted), null);

    // apiserver's acceptMediaTypeOptions plus the endpoint's AllowsMediaTypeTransform.
    private static OutputType? Options(IReadOnlyDictionary<string, string> parameters, OutputFormat format, bool transforms)
    {
        string? kind = null, group = null, version = null;
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "as": kind = value; break;
                case "g": group = value; break;
                case "v": version = value; break;
                case "stream" when value.Length > 0 && (format != OutputFormat.Json || value != "watch"): return null;
                case "sv" when value.Length > 0 && value != "v1": return null;
            }
        }
        if (kind is null && group is null && version is null) return new OutputType(format);
        if (!transforms || group != "meta.k8s.io" || version is not ("v1" or "v1beta1")) return null;
        return kind switch
        {
            "Table" => new OutputType(format, OutputTransform.Table, version),
            "PartialObjectMetadata" => new OutputType(format, OutputTransform.PartialObjectMetadata, version),
            "PartialObjectMetadataList" => new OutputType(format, OutputTransform.PartialObjectMetadataList, version),
            _ => null,
        };
    }

    private sealed record Clause(string Type, string SubType, double Q, IReadOnlyDictionary<string, string> Params);

    // goautoneg.ParseAccept: unparsable entries dropped, q taken out, sorted by q then specificity (stable).
    private static IEnumerable<Clause> ParseAccept(string header)
    {
        var clauses = new List<Clause>();
        foreach (var part in header.Split(','))
        {
            var pieces = part.Split(';');
            var mediaType = pieces[0].Trim().ToLowerInvariant();
            string type, subType;
            if (mediaType == "*") (type, subType) = ("*", "*");
            else
            {
                var slash = mediaType.IndexOf('/');
                if (slash <= 0 || slash == mediaType.Length - 1) continue;
                (type, subType) = (mediaType[..slash], mediaType[(slash + 1)..]);
            }
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var q = 1.0;
            var valid = true;
            foreach (var p in pieces.Skip(1))
            {
                var eq = p.IndexOf('=');
                if (eq <= 0)
                {
                    if (p.Trim().Length > 0) valid = false;
                    continue;
                }
                var name = p[..eq].Trim().ToLowerInvariant();
                var value = p[(eq + 1)..].Trim().Trim('"');
                if (name == "q") q = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                else parameters[name] = value;
            }
            if (valid) clauses.Add(new Clause(type, subType, q, parameters));
        }
        return clauses
            .Select((c, i) => (c, i))
            .OrderByDescending(x => x.c.Q)
            .ThenBy(x => x.c.Type == "*" ? 1 : 0)
            .ThenBy(x => x.c.SubType == "*" ? 1 : 0)
            .ThenBy(x => x.i)
            .Select(x => x.c);
    }

    /// <summary>The input format of a body by Content-Type (JSON when absent); null for a type that is not served (415).</summary>
    public static OutputFormat? InputFormat(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return OutputFormat.Json;
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/json" => OutputFormat.Json,
            "application/yaml" => OutputFormat.Yaml,
            _ => null,
        };
    }

    /// <summary>The 415 for a body in a format not served.</summary>
    public static KubeApiException UnsupportedMediaType(IEnumerable<string> accepted) =>
        new(new KubeStatus(415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: " + string.Join(", ", accepted), null));
}
