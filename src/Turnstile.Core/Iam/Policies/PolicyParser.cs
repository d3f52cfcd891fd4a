using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Turnstile.Core.Arns;
using Turnstile.Core.Text;

namespace Turnstile.Core.Iam.Policies;

public sealed record PolicyValidationOptions
{
    public static PolicyValidationOptions Default { get; } = new();

    /// <summary>
    /// Whether a user or role ARN named in a trust policy exists. IAM resolves such principals to unique ids when the
    /// policy is saved and rejects unknown ones as an invalid principal; null skips the check.
    /// </summary>
    public Func<string, bool>? PrincipalExists { get; init; }
}

public sealed record PolicyParseResult(PolicyDocument? Document, PolicyError? Error)
{
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;
}

/// <summary>
/// Parses policy JSON and validates it as IAM does, reporting the first problem with IAM's MalformedPolicyDocument text.
/// Checks run in phases in the order IAM appears to apply them (grammar first, then element rules), so the message for a
/// document with several problems is the one IAM would give for the earliest phase.
/// Size quotas are separate (<see cref="PolicyQuotas"/>) because they depend on where the document is attached.
/// </summary>
public static partial class PolicyParser
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] IamResourcePrefixes =
    [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/",
        "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ];

    public static PolicyParseResult Parse(string json, PolicyKind kind, PolicyValidationOptions? options = null)
    {
        try
        {
            return new PolicyParseResult(ParseCore(json, kind, options ?? PolicyValidationOptions.Default), null);
        }
        catch (Rejection rejection)
        {
            return new PolicyParseResult(null, rejection.Error);
        }
    }

    public static PolicyDocument ParseOrThrow(string json, PolicyKind kind, PolicyValidationOptions? options = null)
    {
        var result = Parse(json, kind, options);
        return result.IsValid ? result.Document : throw new PolicyDocumentException(result.Error);
    }

    private sealed class Rejection(string message) : Exception(message)
    {
        public PolicyError Error { get; } = PolicyError.Malformed(message);
    }

    private sealed class RawStatement
    {
        public int Index;
        public string? Sid;
        public string? Effect;
        public PrincipalElement? Principal;
        public PrincipalElement? NotPrincipal;
        public List<string>? Action;
        public List<string>? NotAction;
        public List<string>? Resource;
        public List<string>? NotResource;
        public List<(ConditionOperator Op, ConditionEntry Entry)> Conditions = [];
    }

    private static PolicyDocument ParseCore(string json, PolicyKind kind, PolicyValidationOptions options)
    {
        var trust = kind == PolicyKind.Trust;
        JsonDocument parsed;
        try
        {
            // Strictly: a lone surrogate (a character or an escape) would otherwise throw wherever its string is read.
            var utf8 = StrictUtf8.GetBytes(json);
            if (StrictJson.Problem(utf8, ReaderOptions) is { } problem) throw new JsonException(problem);
            parsed = JsonDocument.Parse(utf8, JsonOptions);
        }
        catch (Exception e) when (e is JsonException or EncoderFallbackException)
        {
            throw new Rejection(trust ? PolicyMessages.TrustInvalidJson : PolicyMessages.SyntaxErrors);
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Syntax();
            string? version = null, id = null;
            var hasVersion = false;
            JsonElement? statementElement = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        hasVersion = true;
                        version = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        break;
                    case "Id":
                        id = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw Syntax();
                        break;
                    case "Statement":
                        statementElement = property.Value;
                        break;
                    default:
                        throw Syntax();
                }
            }
            if (hasVersion && !PolicyVersions.IsKnown(version)) throw new Rejection(trust ? PolicyMessages.TrustInvalidVersion : PolicyMessages.SyntaxErrors);

            var elements = new List<JsonElement>();
            switch (statementElement?.ValueKind)
            {
                case JsonValueKind.Object:
                    elements.Add(statementElement.Value);
                    break;
                case JsonValueKind.Array:
                    foreach (var element in statementElement.Value.EnumerateArray())
                    {
                        if (element.ValueKind != JsonValueKind.Object) throw Syntax();
                        elements.Add(element);
                    }
                    break;
                case null or JsonValueKind.Null:
                    break;
                default:
                    throw Syntax();
            }
            if (elements.Count == 0) throw new Rejection(trust ? PolicyMessages.TrustStatementEmpty : PolicyMessages.SyntaxErrors);

            var statements = elements.Select((element, index) => ReadStatement(element, index)).ToList();
            if (trust) ValidateTrust(statements, options);
            else ValidateIdentity(statements);

            var built = statements.Select(s => new PolicyStatement
            {
                Index = s.Index,
                Sid = s.Sid,
                Effect = s.Effect == "Deny" ? PolicyEffect.Deny : PolicyEffect.Allow,
                Principal = s.Principal,
                NotPrincipal = s.NotPrincipal,
                Action = s.Action,
                NotAction = s.NotAction,
                Resource = s.Resource,
                NotResource = s.NotResource,
                Conditions = s.Conditions.Select(c => c.Entry).ToArray(),
            }).ToArray();
            return new PolicyDocument(version, id, built) { Json = json };
        }
    }

    private static Rejection Syntax() => new(PolicyMessages.SyntaxErrors);

    private static RawStatement ReadStatement(JsonElement element, int index)
    {
        var statement = new RawStatement { Index = index };
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "Sid":
                    statement.Sid = value.ValueKind == JsonValueKind.String ? value.GetString() : throw Syntax();
                    break;
                case "Effect":
                    statement.Effect = value.ValueKind == JsonValueKind.String ? value.GetString() : throw Syntax();
                    break;
                case "Action":
                    statement.Action = ReadStringList(value);
                    break;
                case "NotAction":
                    statement.NotAction = ReadStringList(value);
                    break;
                case "Resource":
                    statement.Resource = ReadStringList(value);
                    break;
                case "NotResource":
                    statement.NotResource = ReadStringList(value);
                    break;
                case "Principal":
                    statement.Principal = ReadPrincipal(value);
                    break;
                case "NotPrincipal":
                    statement.NotPrincipal = ReadPrincipal(value);
                    break;
                case "Condition":
                    statement.Conditions = ReadConditions(value);
                    break;
                default:
                    throw Syntax();
            }
        }
        if ((statement.Action is not null && statement.NotAction is not null)
            || (statement.Resource is not null && statement.NotResource is not null)
            || (statement.Principal is not null && statement.NotPrincipal is not null))
        {
            throw Syntax();
        }
        return statement;
    }

    private static List<string> ReadStringList(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Syntax());
                }
                return list;
            default:
                throw Syntax();
        }
    }

    private static PrincipalElement ReadPrincipal(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString() == "*" ? PrincipalElement.Wildcard : throw Syntax();
        if (value.ValueKind != JsonValueKind.Object) throw Syntax();
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject()) values[property.Name] = ReadStringList(property.Value);
        return new PrincipalElement(false, values);
    }

    private static List<(ConditionOperator, ConditionEntry)> ReadConditions(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Syntax();
        var conditions = new List<(ConditionOperator, ConditionEntry)>();
        foreach (var block in value.EnumerateObject())
        {
            if (block.Value.ValueKind != JsonValueKind.Object) throw Syntax();
            var known = ConditionOperator.TryParse(block.Name, out var op);
            foreach (var entry in block.Value.EnumerateObject())
            {
                if (!known) throw Syntax();
                var values = new List<string>();
                if (entry.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in entry.Value.EnumerateArray()) values.Add(ScalarText(item));
                }
                else
                {
                    values.Add(ScalarText(entry.Value));
                }
                conditions.Add((op, new ConditionEntry(block.Name, entry.Name, values)));
            }
        }
        return conditions;
    }

    /// <summary>IAM accepts JSON numbers and booleans as condition values and compares their text.</summary>
    private static string ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Syntax(),
    };

    private static void ValidateIdentity(List<RawStatement> statements)
    {
        foreach (var s in statements)
        {
            if (s.Effect is null || (!s.Effect.Equals("Allow", StringComparison.OrdinalIgnoreCase) && !s.Effect.Equals("Deny", StringComparison.OrdinalIgnoreCase))) throw Syntax();
        }
        if (statements.Any(s => s.Principal is not null || s.NotPrincipal is not null)) throw new Rejection(PolicyMessages.ShouldNotSpecifyPrincipal);
        if (statements.Any(s => s.Sid is { } sid && !sid.All(char.IsAsciiLetterOrDigit))) throw new Rejection(PolicyMessages.SidNotAlphanumeric);

        // "Legacy parsing": exact-case Effect, parsable dates, and resources with enough ARN parts.
        foreach (var s in statements)
        {
            if (s.Effect is not ("Allow" or "Deny")) throw new Rejection(PolicyMessages.LegacyParsing);
            foreach (var (op, entry) in s.Conditions)
            {
                if (op.Family == ConditionFamily.Date && entry.Values.Any(v => !PolicyValues.TryParseDate(v, out _))) throw new Rejection(PolicyMessages.LegacyParsing);
            }
        }
        string? resourceError = null;
        foreach (var s in statements)
        {
            foreach (var list in new[] { s.Resource, s.NotResource })
            {
                if (list is null) continue;
                foreach (var resource in list) resourceError ??= ResourceFormatError(resource, WithoutVariables(resource));
                // IAM reports a legacy-parsing failure only while no resource format error has been seen.
                if (resourceError is null && list.Any(r => FailsLegacyResourceParsing(WithoutVariables(r)))) throw new Rejection(PolicyMessages.LegacyParsing);
            }
        }

        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements)
        {
            if (!string.IsNullOrEmpty(s.Sid) && !sids.Add(s.Sid)) throw new Rejection(PolicyMessages.DuplicateSid);
        }
        if (statements.Any(s => (s.Action ?? s.NotAction) is not { Count: > 0 })) throw new Rejection(PolicyMessages.MustContainActions);
        if (statements.Any(s => (s.Resource ?? s.NotResource) is not { Count: > 0 })) throw new Rejection(PolicyMessages.MustContainResources);
        if (resourceError is not null) throw new Rejection(resourceError);

        foreach (var s in statements)
        {
            foreach (var action in (s.Action ?? s.NotAction)!) CheckAction(action);
            foreach (var (_, entry) in s.Conditions)
            {
                if (entry.Key.IndexOf(':') <= 0) throw new Rejection(PolicyMessages.MissingVendor);
            }
        }
    }

    private static void CheckAction(string action)
    {
        if (action == "*") return;
        var colon = action.IndexOf(':');
        if (colon < 0) throw new Rejection(PolicyMessages.MissingVendor);
        if (action.IndexOf(':', colon + 1) >= 0) throw new Rejection(PolicyMessages.OneColon);
        var vendor = action[..colon];
        if (vendor != "*" && !VendorPattern().IsMatch(vendor)) throw new Rejection(PolicyMessages.InvalidVendor(vendor));
    }

    /// <summary>Policy variables may hold colons (<c>${aws:username}</c>), so ARN parts are counted with each variable as one character.</summary>
    private static string WithoutVariables(string resource) =>
        resource.Contains("${", StringComparison.Ordinal) ? VariablePattern().Replace(resource, "x") : resource;

    /// <summary>The format problems IAM reports for a Resource entry (checked on <paramref name="shape"/>, reported with <paramref name="original"/>), or null.</summary>
    private static string? ResourceFormatError(string original, string shape)
    {
        var resource = shape;
        if (resource == "*") return null;
        // Too few parts after an "arn:" prefix is a legacy-parsing failure, reported before any partition complaint.
        if (resource.StartsWith("arn:", StringComparison.Ordinal) && resource.Split(':').Length < 6) return null;
        var firstColon = resource.IndexOf(':');
        if (firstColon < 0) return PolicyMessages.ResourceNotArn(original);
        var afterPrefix = resource[(firstColon + 1)..];
        var partitionEnd = afterPrefix.IndexOf(':');
        var partition = partitionEnd < 0 ? afterPrefix : afterPrefix[..partitionEnd];
        if (partition != "*" && !Partitions.IsKnown(partition))
        {
            // IAM echoes the resource rebuilt as six parts, filling absent ones with "*".
            var parts = partitionEnd < 0 ? [""] : afterPrefix[(partitionEnd + 1)..].Split(':');
            var service = parts[0] != "" || parts.Length > 1 ? parts[0] : "*";
            var region = parts.Length > 1 ? parts[1] : "*";
            var account = parts.Length > 2 ? parts[2] : "*";
            var rest = parts.Length > 3 ? string.Join(':', parts[3..]) : "*";
            return PolicyMessages.InvalidPartition(partition, $"arn:{partition}:{service}:{region}:{account}:{rest}");
        }
        if (partitionEnd < 0) return PolicyMessages.ResourceVendorNotQualified;
        var segments = afterPrefix[(partitionEnd + 1)..].Split(':', 4);
        var vendor = segments[0];
        if (vendor.Length == 0 || vendor.AsSpan().IndexOfAny('*', '?') >= 0) return PolicyMessages.ResourceVendorNotQualified;
        var regionPart = segments.Length > 1 ? segments[1] : "";
        if (vendor == "iam" && regionPart.Length > 0) return PolicyMessages.IamResourceRegion(original);
        if (vendor == "s3" && regionPart.Length > 0) return PolicyMessages.S3ResourceRegion(original);
        if (vendor == "iam" && segments.Length == 4)
        {
            var path = segments[3];
            if (path != "*" && path != "root" && !IamResourcePrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal))) return PolicyMessages.IamResourcePath;
        }
        return null;
    }

    /// <summary>An ARN-looking entry (<c>arn:</c> or <c>::</c>) with fewer than six parts, or with an empty service part.</summary>
    private static bool FailsLegacyResourceParsing(string resource)
    {
        if (resource == "*") return false;
        var parts = resource.Split(':');
        var arnLike = resource.StartsWith("arn:", StringComparison.Ordinal) || resource.Contains("::", StringComparison.Ordinal);
        return (parts.Length < 6 && arnLike) || parts.Length < 3 || parts[2].Length == 0;
    }

    private static void ValidateTrust(List<RawStatement> statements, PolicyValidationOptions options)
    {
        foreach (var s in statements)
        {
            if (s.Effect is null) throw new Rejection(PolicyMessages.TrustMissingEffect);
            if (s.Effect is not ("Allow" or "Deny")) throw new Rejection(PolicyMessages.TrustInvalidEffect(s.Effect));
        }
        if (statements.Any(s => s.Resource is not null)) throw new Rejection(PolicyMessages.TrustProhibitedResource);
        if (statements.Any(s => s.NotResource is not null)) throw new Rejection(PolicyMessages.TrustNotResource);
        foreach (var s in statements)
        {
            if (s.NotPrincipal is not null) throw new Rejection(s.Effect == "Allow" ? PolicyMessages.TrustAllowNotPrincipal : PolicyMessages.TrustNotPrincipal);
            if (s.Principal is null) throw new Rejection(PolicyMessages.TrustMissingPrincipal);
            if (!s.Principal.IsWildcard && s.Principal.Values.Values.All(v => v.Count == 0)) throw new Rejection(PolicyMessages.TrustEmptyPrincipal);
            CheckTrustPrincipal(s.Principal, options);
            var actions = s.Action ?? s.NotAction;
            if (actions is not { Count: > 0 }) throw new Rejection(PolicyMessages.TrustMissingAction);
            if (actions.Any(a => !a.StartsWith("sts:", StringComparison.OrdinalIgnoreCase))) throw new Rejection(PolicyMessages.TrustOnlyStsActions);
        }
        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements)
        {
            if (!string.IsNullOrEmpty(s.Sid) && !sids.Add(s.Sid)) throw new Rejection(PolicyMessages.TrustDuplicateSid);
        }
    }

    private static void CheckTrustPrincipal(PrincipalElement principal, PolicyValidationOptions options)
    {
        if (principal.IsWildcard) return;
        foreach (var (type, values) in principal.Values)
        {
            foreach (var value in values)
            {
                var valid = type switch
                {
                    PrincipalElement.Aws => IsValidAwsPrincipal(value, options),
                    PrincipalElement.Service => ServicePrincipalPattern().IsMatch(value),
                    PrincipalElement.Federated => value.Length > 0 && !value.Any(char.IsWhiteSpace),
                    _ => throw new Rejection(PolicyMessages.InvalidPrincipalType(type)),
                };
                if (!valid) throw new Rejection(PolicyMessages.InvalidPrincipal(type, value));
            }
        }
    }

    private static bool IsValidAwsPrincipal(string value, PolicyValidationOptions options)
    {
        if (value == "*" || PrincipalMatcher.IsAccountId(value)) return true;
        // IAM allows no wildcard inside a principal ARN.
        if (value.AsSpan().IndexOfAny('*', '?') >= 0) return false;
        if (!PrincipalArn.TryParse(value, out var principal, out _) || !PrincipalMatcher.IsAccountId(principal.Account)) return false;
        if (principal.Type is PrincipalType.User or PrincipalType.Role && options.PrincipalExists is { } exists) return exists(value);
        return true;
    }

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex VariablePattern();

    [GeneratedRegex("^[A-Za-z0-9.-]+$")]
    private static partial Regex VendorPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ServicePrincipalPattern();
}
