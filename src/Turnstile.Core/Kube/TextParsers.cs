using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Turnstile.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Turnstile.Core.Kube;

/// <summary>A syntax error found while splitting text into documents (before any object is decoded).</summary>
internal sealed class SyntaxError(int documentNumber, int line, string reason) : Exception(reason)
{
    public int DocumentNumber { get; } = documentNumber;
    public int Line { get; } = line;
}

/// <summary>
/// Limits every YAML and JSON reader applies, so hostile input is a parse error and never a stack overflow or a
/// runaway expansion: nesting depth, and the number of nodes YAML aliases may add (the "billion laughs" attack).
/// </summary>
public static class TextLimits
{
    /// <summary>Deepest nesting of lists and objects accepted (kubectl output stays far below it).</summary>
    public const int MaxDepth = 256;

    /// <summary>Most nodes that alias references may add to one YAML document.</summary>
    public const int MaxAliasedNodes = 1_000_000;
}

/// <summary>
/// Wraps a YamlDotNet parser and fails with a <see cref="YamlException"/> as soon as lists and objects nest deeper
/// than <see cref="TextLimits.MaxDepth"/>, or when the parser fails in any other way. YamlDotNet's own parser is iterative; what it feeds (its representation
/// model, our tree builder) recurses per level, so the limit must hold before they see the events.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner) : IParser
{
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        try
        {
            if (!inner.MoveNext()) return false;
        }
        catch (Exception e) when (e is not YamlException)
        {
            // YamlDotNet reports some malformed input with other exceptions (e.g. a bad surrogate escape, a stray token).
            var at = inner.Current?.End ?? Mark.Empty;
            throw new YamlException(at, at, e.Message, e);
        }
        switch (inner.Current)
        {
            case SequenceStart or MappingStart when ++_depth > TextLimits.MaxDepth:
                throw new YamlException(inner.Current.Start, inner.Current.End, $"exceeded max depth of {TextLimits.MaxDepth}");
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }
        return true;
    }
}

/// <summary>Parses YAML (one or more <c>---</c>-separated documents) into <see cref="KNode"/> trees.</summary>
internal static partial class YamlTextParser
{
    /// <summary>Returns one entry per document; an empty document yields null.</summary>
    public static List<KNode?> Parse(string text)
    {
        var documents = new List<KNode?>();
        var parser = new DepthLimitedParser(new Parser(new StringReader(text)));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var builder = new TreeBuilder(parser);
                KNode? root = null;
                if (!parser.Accept<DocumentEnd>(out _)) root = builder.ReadNode();
                parser.Consume<DocumentEnd>();
                documents.Add(root is KScalar { Kind: ScalarKind.Null } ? null : root);
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            throw new SyntaxError(documents.Count + 1, (int)ex.Start.Line, CleanMessage(ex));
        }
        return documents;

        static string CleanMessage(YamlException ex)
        {
            var msg = ex.InnerException is YamlException inner && inner.Message.Length > 0 ? inner.Message : ex.Message;
            // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (Line: ...): "; the line is reported separately.
            return PositionPrefix().Replace(msg, "").Trim();
        }
    }

    /// <summary>
    /// Builds one document's tree. An anchor is usable only once its node is complete, so an alias can never refer
    /// to a node that contains it (no cycles); the nodes aliases add are counted against
    /// <see cref="TextLimits.MaxAliasedNodes"/>.
    /// </summary>
    private sealed class TreeBuilder(IParser parser)
    {
        private readonly Dictionary<string, (KNode Node, long Size)> _anchors = new(StringComparer.Ordinal);
        private long _expanded; // nodes read so far, counting an alias as the size of the node it repeats
        private long _aliased;

        public KNode ReadNode()
        {
            var ev = parser.Consume<ParsingEvent>();
            var line = (int)ev.Start.Line;
            var first = _expanded;
            switch (ev)
            {
                case AnchorAlias alias:
                {
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        throw new YamlException(ev.Start, ev.End, $"unknown anchor '{alias.Value.Value}'");
                    _aliased += target.Size;
                    _expanded += target.Size;
                    if (_aliased > TextLimits.MaxAliasedNodes)
                        throw new YamlException(ev.Start, ev.End, "document contains excessive aliasing");
                    return target.Node;
                }

                case Scalar scalar:
                {
                    _expanded++;
                    var node = ResolveScalar(scalar, line);
                    Remember(scalar.Anchor, node, first);
                    return node;
                }

                case SequenceStart start:
                {
                    _expanded++;
                    var seq = new KSeq { Line = line };
                    while (!parser.TryConsume<SequenceEnd>(out _)) seq.Items.Add(ReadNode());
                    Remember(start.Anchor, seq, first);
                    return seq;
                }

                case MappingStart start:
                {
                    _expanded++;
                    var map = new KMap { Line = line };
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyStart = parser.Current!.Start;
                        var keyNode = ReadNode();
                        if (keyNode is not KScalar key)
                            throw new YamlException(keyStart, keyStart, "mapping keys must be scalars");
                        var value = ReadNode();
                        if (!seen.Add(key.Value))
                            throw new YamlException(keyStart, keyStart, $"duplicate key \"{key.Value}\"");
                        map.Entries.Add(new(key.Value, value));
                    }
                    Remember(start.Anchor, map, first);
                    return map;
                }

                default:
                    throw new YamlException(ev.Start, ev.End, $"unexpected YAML event {ev.GetType().Name}");
            }
        }

        /// <summary>Makes a complete node available to aliases, with its size (its own nodes and what its aliases added).</summary>
        private void Remember(AnchorName anchor, KNode node, long firstNode)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (node, _expanded - firstNode);
        }
    }

    /// <summary>
    /// Resolves a scalar the way Kubernetes' YAML reader (YAML 1.1 rules of go-yaml v2) does, so that e.g. an unquoted
    /// <c>yes</c> or <c>123</c> is not silently taken as a string where kube-apiserver would reject it.
    /// </summary>
    private static KScalar ResolveScalar(Scalar scalar, int line)
    {
        var value = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag.Length > 0 && tag != "!")
        {
            var kind = tag switch
            {
                "tag:yaml.org,2002:null" => ScalarKind.Null,
                "tag:yaml.org,2002:bool" => ScalarKind.Bool,
                "tag:yaml.org,2002:int" => ScalarKind.Int,
                "tag:yaml.org,2002:float" => ScalarKind.Float,
                _ => ScalarKind.String,
            };
            return new KScalar { Value = value, Kind = kind, Line = line };
        }
        if (scalar.Style != ScalarStyle.Plain || tag == "!")
            return new KScalar { Value = value, Kind = ScalarKind.String, Line = line };
        return new KScalar { Value = value, Kind = ResolvePlain(value), Line = line };
    }

    internal static ScalarKind ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return ScalarKind.Null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE"
                or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return ScalarKind.Bool;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF"
                or ".nan" or ".NaN" or ".NAN":
                return ScalarKind.Float;
        }
        if (IntPattern().IsMatch(value)) return ScalarKind.Int;
        if (FloatPattern().IsMatch(value)) return ScalarKind.Float;
        return ScalarKind.String;
    }

    [GeneratedRegex(@"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)\z")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^(\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*)+")]
    private static partial Regex PositionPrefix();
}

/// <summary>Parses a JSON text holding one or more concatenated JSON values into <see cref="KNode"/> trees.</summary>
internal static class JsonTextParser
{
    /// <summary>
    /// True when the text starts like JSON: an array, or an object whose first key is double-quoted. A YAML flow
    /// mapping with plain keys (<c>{a: b}</c>) is left to the YAML parser.
    /// </summary>
    public static bool LooksLikeJson(string text)
    {
        var start = FirstSignificant(text, 0);
        if (start < 0) return false;
        if (text[start] == '[') return true;
        if (text[start] != '{') return false;
        var next = FirstSignificant(text, start + 1);
        return next >= 0 && text[next] is '"' or '}';
    }

    private static int FirstSignificant(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
            if (text[i] is not (' ' or '\t' or '\r' or '\n' or '\uFEFF')) return i;
        return -1;
    }

    public static List<KNode?> Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        var options = new JsonReaderOptions
        {
            MaxDepth = TextLimits.MaxDepth,
            AllowMultipleValues = true,
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
        };
        if (StrictJson.Problem(bytes, options) is { } problem) throw new SyntaxError(1, 0, problem);
        var reader = new Utf8JsonReader(bytes, options);
        var documents = new List<KNode?>();
        try
        {
            while (reader.Read())
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                var root = Convert(doc.RootElement, documents.Count + 1);
                documents.Add(root is KScalar { Kind: ScalarKind.Null } ? null : root);
            }
        }
        catch (JsonException ex)
        {
            throw new SyntaxError(documents.Count + 1, (int)(ex.LineNumber ?? -1) + 1, ex.Message);
        }
        return documents;
    }

    private static KNode Convert(JsonElement element, int documentNumber)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var map = new KMap();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var prop in element.EnumerateObject())
                {
                    if (!seen.Add(prop.Name))
                        throw new SyntaxError(documentNumber, 0, $"duplicate key \"{prop.Name}\"");
                    map.Entries.Add(new(prop.Name, Convert(prop.Value, documentNumber)));
                }
                return map;
            }
            case JsonValueKind.Array:
            {
                var seq = new KSeq();
                foreach (var item in element.EnumerateArray()) seq.Items.Add(Convert(item, documentNumber));
                return seq;
            }
            case JsonValueKind.String:
                return new KScalar { Value = element.GetString()!, Kind = ScalarKind.String };
            case JsonValueKind.Number:
            {
                var raw = element.GetRawText();
                var isInt = long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                return new KScalar { Value = raw, Kind = isInt ? ScalarKind.Int : ScalarKind.Float };
            }
            case JsonValueKind.True:
                return new KScalar { Value = "true", Kind = ScalarKind.Bool };
            case JsonValueKind.False:
                return new KScalar { Value = "false", Kind = ScalarKind.Bool };
            default:
                return new KScalar { Value = "", Kind = ScalarKind.Null };
        }
    }
}
