using System.Text;
using System.Text.RegularExpressions;

namespace Turnstile.Server.Model;

public enum ShapeType
{
    Structure,
    List,
    Map,
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    Blob,
}

/// <summary>Where a member travels in a rest-json request or response.</summary>
public enum MemberLocation
{
    Body,
    Uri,
    QueryString,
    Header,
    Headers,
    StatusCode,
}

public enum TimestampFormat
{
    Iso8601,
    UnixTimestamp,
    Rfc822,
}

/// <summary>The modelled error an exception shape stands for.</summary>
public sealed record ErrorTraits(string Code, int HttpStatusCode, bool SenderFault);

/// <summary>A shape of a service model: its type, members and constraints. Immutable once the model is loaded.</summary>
public sealed class Shape
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);
    private Regex? _regex;
    private bool _regexBroken;

    internal Shape(string name, ShapeType type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }
    public ShapeType Type { get; }

    /// <summary>Structure members in model order.</summary>
    public IReadOnlyList<MemberRef> Members { get; internal set; } = [];

    /// <summary>Members by their model name.</summary>
    public IReadOnlyDictionary<string, MemberRef> MembersByName { get; internal set; } = EmptyMembers;

    /// <summary>Members by their wire name (<c>locationName</c> or the model name).</summary>
    public IReadOnlyDictionary<string, MemberRef> MembersByWireName { get; internal set; } = EmptyMembers;

    public IReadOnlySet<string> Required { get; internal set; } = EmptySet;

    /// <summary>Length (strings, blobs, lists, maps) or value (numbers) bounds.</summary>
    public long? Min { get; internal set; }
    public long? Max { get; internal set; }
    public string? Pattern { get; internal set; }
    public IReadOnlyList<string>? Enum { get; internal set; }
    public TimestampFormat? TimestampFormat { get; internal set; }
    public bool Flattened { get; internal set; }
    public bool Sensitive { get; internal set; }

    /// <summary>List element.</summary>
    public MemberRef? Member { get; internal set; }
    public MemberRef? Key { get; internal set; }
    public MemberRef? Value { get; internal set; }

    public bool IsException { get; internal set; }
    public ErrorTraits? Error { get; internal set; }

    /// <summary>
    /// IAM returns policy documents (<c>policyDocumentType</c>) percent-encoded inside query-protocol XML; botocore
    /// url-decodes them. The protocol engine applies the encoding, so services return plain JSON text.
    /// </summary>
    public bool UrlEncodedInXml { get; internal set; }

    public bool IsScalar => Type is not (ShapeType.Structure or ShapeType.List or ShapeType.Map);

    /// <summary>Whole-string match of the model's (Java-dialect) pattern; true when there is none.</summary>
    public bool MatchesPattern(string value)
    {
        if (Pattern is null || _regexBroken) return true;
        var regex = _regex;
        if (regex is null)
        {
            try
            {
                regex = new Regex(@"\A(?:" + TranslateJavaPattern(Pattern) + @")\z", RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException)
            {
                _regexBroken = true;
                return true;
            }
            _regex = regex;
        }
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public override string ToString() => $"{Name} ({Type})";

    /// <summary>Java's <c>\w</c> and <c>\d</c> are ASCII-only; .NET's are Unicode-aware.</summary>
    internal static string TranslateJavaPattern(string pattern)
    {
        if (!pattern.Contains("\\w", StringComparison.Ordinal) && !pattern.Contains("\\d", StringComparison.Ordinal))
            return pattern;
        var sb = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                switch (next)
                {
                    case 'w': sb.Append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"); break;
                    case 'd': sb.Append(inClass ? "0-9" : "[0-9]"); break;
                    default: sb.Append('\\').Append(next); break;
                }
                continue;
            }
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    internal static readonly IReadOnlyDictionary<string, MemberRef> EmptyMembers = new Dictionary<string, MemberRef>();
    internal static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();
}

/// <summary>A reference from a structure member, list element or map key/value to its shape, with serialization traits.</summary>
public sealed class MemberRef
{
    internal MemberRef(string name, Shape shape)
    {
        Name = name;
        Shape = shape;
        WireName = name;
    }

    /// <summary>The model's member name (what services see in their JSON input/output).</summary>
    public string Name { get; }
    public Shape Shape { get; }
    public MemberLocation Location { get; internal init; }
    public string? LocationName { get; internal init; }

    /// <summary><c>locationName</c> if modelled, else <see cref="Name"/>.</summary>
    public string WireName { get; internal init; }
    public bool Flattened { get; internal init; }
    public TimestampFormat? TimestampFormat { get; internal init; }
    public bool IdempotencyToken { get; internal init; }

    public override string ToString() => $"{Name}: {Shape.Name}";
}
