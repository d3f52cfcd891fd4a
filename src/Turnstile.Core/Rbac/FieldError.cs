namespace Turnstile.Core.Rbac;

public enum FieldErrorType
{
    Required,
    Invalid,
    NotSupported,
    Forbidden,
}

/// <summary>
/// One validation failure, as kube-apiserver reports it (apimachinery <c>field.Error</c>).
/// </summary>
/// <param name="Field">Path of the offending field, e.g. <c>rules[0].verbs</c> or <c>subjects[1].namespace</c>.</param>
/// <param name="BadValue">
/// The offending value already rendered as kube-apiserver prints it (Go syntax: <c>"x"</c>, <c>[]string{"/*"}</c>);
/// null for error types that print no value (Required, Forbidden).
/// </param>
/// <param name="Detail">Explanation appended after the value; may be empty.</param>
public sealed record FieldError(FieldErrorType Type, string Field, string? BadValue, string Detail)
{
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail);

    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail);

    public static FieldError Invalid(string field, string value, string detail) =>
        new(FieldErrorType.Invalid, field, GoQuote.Quote(value), detail);

    public static FieldError InvalidRendered(string field, string renderedValue, string detail) =>
        new(FieldErrorType.Invalid, field, renderedValue, detail);

    public static FieldError NotSupported(string field, string value, params IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, GoQuote.Quote(value),
            supported.Any() ? "supported values: " + string.Join(", ", supported.Select(GoQuote.Quote)) : "");

    /// <summary>The text kube-apiserver shows after the field path, e.g. <c>Required value: verbs must contain at least one value</c>.</summary>
    public string Body
    {
        get
        {
            var body = TypeText;
            if (Type is FieldErrorType.Invalid or FieldErrorType.NotSupported) body += ": " + (BadValue ?? "null");
            return Detail.Length > 0 ? body + ": " + Detail : body;
        }
    }

    /// <summary><c>&lt;field&gt;: &lt;body&gt;</c>, the form used in 422 messages.</summary>
    public string Message => $"{Field}: {Body}";

    /// <summary>The <c>details.causes[].reason</c> of a 422 Status.</summary>
    public string CauseReason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        _ => "FieldValueForbidden",
    };

    private string TypeText => Type switch
    {
        FieldErrorType.Required => "Required value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        _ => "Forbidden",
    };

    public override string ToString() => Message;
}

/// <summary>Formats a list of field errors the way kube-apiserver (422 Invalid) and kubectl present them.</summary>
public static class FieldErrorFormatter
{
    /// <summary>
    /// The Status message of a 422: <c>&lt;Kind&gt;.&lt;group&gt; "&lt;name&gt;" is invalid: &lt;errors&gt;</c>, where several
    /// errors are joined by <c>", "</c> inside brackets and identical messages appear once.
    /// </summary>
    public static string InvalidMessage(string group, string kind, string name, IEnumerable<FieldError> errors)
    {
        var qualifiedKind = group.Length > 0 ? $"{kind}.{group}" : kind;
        var messages = Distinct(errors);
        var prefix = $"{qualifiedKind} {GoQuote.Quote(name)} is invalid";
        return messages.Count switch
        {
            0 => prefix,
            1 => $"{prefix}: {messages[0]}",
            _ => $"{prefix}: [{string.Join(", ", messages)}]",
        };
    }

    /// <summary>
    /// What kubectl prints for a 422: <c>The &lt;Kind&gt; "&lt;name&gt;" is invalid: &lt;field&gt;: &lt;message&gt;</c> for one cause,
    /// otherwise the prefix on its own line followed by one <c>* &lt;field&gt;: &lt;message&gt;</c> line per cause.
    /// </summary>
    public static string KubectlMessage(string kind, string name, IEnumerable<FieldError> errors)
    {
        var prefix = $"The {kind} {GoQuote.Quote(name)} is invalid: ";
        var messages = errors.Select(e => e.Message).ToList();
        return messages.Count switch
        {
            0 => $"The {kind} {GoQuote.Quote(name)} is invalid",
            1 => prefix + messages[0],
            _ => prefix + "\n" + string.Concat(messages.Select(m => "* " + m + "\n")).TrimEnd('\n'),
        };
    }

    private static List<string> Distinct(IEnumerable<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return errors.Select(e => e.Message).Where(seen.Add).ToList();
    }
}
