using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Core.Analysis.Assertions;

public enum Expectation
{
    Allowed,
    Denied,
    Unauthenticated,
}

/// <summary>
/// One expectation: a principal, a request (<see cref="Verb"/> on <see cref="Resource"/> or on the URL <see cref="Path"/>)
/// and the answer EKS must give. <see cref="Namespace"/> null means kubectl's default: <c>default</c> for namespaced
/// resources, the cluster scope for cluster-scoped ones; <see cref="AllNamespaces"/> asks at the cluster scope.
/// </summary>
public sealed record AccessAssertion(int Line, string? Name, string Principal, string? SessionName, string Verb, string? Resource, string? Path,
    string ObjectName, string? Namespace, bool AllNamespaces, string Subresource, Expectation Expect);

/// <summary>
/// A small YAML file of expectations, checked in one run (policy as code):
/// <code>
/// apiVersion: turnstile.dev/v1alpha1
/// kind: AccessAssertions
/// snapshot: ../w3-migration/config-map      # optional, relative to this file
/// assertions:
/// - name: developers deploy to app          # optional
///   principal: arn:aws:iam::111122223333:role/developers
///   sessionName: jane@example.com           # optional
///   verb: create
///   resource: deployments.apps              # or path: /healthz
///   namespace: app                          # optional; allNamespaces: true for the cluster scope
///   expect: allowed                         # allowed | denied | unauthenticated
/// </code>
/// </summary>
public sealed record AssertionFile(string? Snapshot, IReadOnlyList<AccessAssertion> Assertions)
{
    public const string ApiVersion = "turnstile.dev/v1alpha1";
    public const string Kind = "AccessAssertions";

    private static readonly string[] TopFields = ["apiVersion", "kind", "snapshot", "assertions"];
    private static readonly string[] ItemFields = ["name", "principal", "sessionName", "verb", "resource", "path", "objectName", "namespace", "allNamespaces", "subresource", "expect"];

    /// <exception cref="FormatException">With the line and the reason, for any malformed or unknown content.</exception>
    public static AssertionFile Parse(string text)
    {
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
        if (root is not YamlMappingNode top) throw new FormatException("line 1: expected an AccessAssertions object");
        Check(top, TopFields, "");
        if (Text(top, "apiVersion") != ApiVersion || Text(top, "kind") != Kind)
            throw new FormatException($"line {top.Start.Line}: expected apiVersion: {ApiVersion} and kind: {Kind}");
        if (!top.Children.TryGetValue("assertions", out var list) || list is not YamlSequenceNode items || items.Children.Count == 0)
            throw new FormatException($"line {top.Start.Line}: assertions must be a non-empty list");
        var assertions = new List<AccessAssertion>();
        foreach (var item in items)
        {
            if (item is not YamlMappingNode map) throw new FormatException($"line {item.Start.Line}: each assertion must be an object");
            var line = (int)map.Start.Line;
            Check(map, ItemFields, "assertion ");
            var principal = Text(map, "principal") ?? throw new FormatException($"line {line}: principal is required");
            var verb = Text(map, "verb") ?? throw new FormatException($"line {line}: verb is required");
            var resource = Text(map, "resource");
            var path = Text(map, "path");
            if ((resource is null) == (path is null)) throw new FormatException($"line {line}: give exactly one of resource and path");
            if (path is not null && !path.StartsWith('/')) throw new FormatException($"line {line}: path must start with /");
            var expectText = Text(map, "expect") ?? throw new FormatException($"line {line}: expect is required (allowed, denied or unauthenticated)");
            var expect = expectText switch
            {
                "allowed" => Expectation.Allowed,
                "denied" => Expectation.Denied,
                "unauthenticated" => Expectation.Unauthenticated,
                _ => throw new FormatException($"line {line}: expect must be allowed, denied or unauthenticated, not {expectText}"),
            };
            var all = Text(map, "allNamespaces") switch
            {
                null or "false" => false,
                "true" => true,
                var other => throw new FormatException($"line {line}: allNamespaces must be true or false, not {other}"),
            };
            var ns = Text(map, "namespace");
            if (all && ns is not null) throw new FormatException($"line {line}: namespace and allNamespaces cannot be used together");
            assertions.Add(new AccessAssertion(line, Text(map, "name"), principal, Text(map, "sessionName"), verb, resource, path,
                Text(map, "objectName") ?? "", ns, all, Text(map, "subresource") ?? "", expect));
        }
        return new AssertionFile(Text(top, "snapshot"), assertions);
    }

    private static void Check(YamlMappingNode map, string[] known, string what)
    {
        foreach (var key in map.Children.Keys)
            if (key is not YamlScalarNode { Value: { } name } || !known.Contains(name))
                throw new FormatException($"line {key.Start.Line}: unknown {what}field {(key as YamlScalarNode)?.Value}; known: {string.Join(", ", known)}");
    }

    private static string? Text(YamlMappingNode map, string key)
    {
        if (!map.Children.TryGetValue(key, out var node)) return null;
        if (node is not YamlScalarNode scalar) throw new FormatException($"line {node.Start.Line}: {key} must be a string");
        return scalar.Style == ScalarStyle.Plain && scalar.Value is "null" or "~" ? null : scalar.Value;
    }
}
