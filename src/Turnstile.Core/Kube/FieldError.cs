using System.Collections;
using System.Globalization;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>apimachinery's <c>field.ErrorType</c>; the wire value is the status cause <c>reason</c>.</summary>
public enum FieldErrorType
{
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

/// <summary>
/// One validation error (apimachinery's <c>field.Error</c>), rendered exactly as the API server renders it into
/// 422 messages and status causes: <c>{field}: {type text}[: {bad value}][: {detail}]</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, object? BadValue, string Detail)
{
    /// <summary>Marks an error whose bad value is not shown.</summary>
    public static readonly object OmitValue = new();

    /// <summary>A bad value printed exactly as given, for values Go renders with <c>%#v</c> (structs, maps).</summary>
    public sealed record Verbatim(string Text)
    {
        public override string ToString() => Text;
    }

    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, "", detail);

    public static FieldError Invalid(string field, object? value, string detail) => new(FieldErrorType.Invalid, field, value, detail);

    public static FieldError NotFound(string field, object? value) => new(FieldErrorType.NotFound, field, value, "");

    public static FieldError Duplicate(string field, object? value) => new(FieldErrorType.Duplicate, field, value, "");

    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, "", detail);

    public static FieldError NotSupported(string field, object? value, IEnumerable<string> supported)
    {
        var quoted = supported.Select(GoQuote.Quote).ToList();
        return new(FieldErrorType.NotSupported, field, value, quoted.Count == 0 ? "" : "supported values: " + string.Join(", ", quoted));
    }

    public static FieldError TooLong(string field, int maxLength) =>
        new(FieldErrorType.TooLong, field, "<value omitted>", maxLength >= 0 ? $"may not be more than {maxLength} bytes" : "value is too long");

    public static FieldError TooMany(string field, int actual, int max) =>
        new(FieldErrorType.TooMany, field, actual >= 0 ? actual : OmitValue, max >= 0 ? $"must have at most {max} items" : "has too many items");

    public static FieldError InternalError(string field, string error) => new(FieldErrorType.Internal, field, null, error);

    /// <summary>The status cause <c>reason</c> (<c>FieldValueRequired</c>, <c>FieldValueInvalid</c>...).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.NotFound => "FieldValueNotFound",
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Internal => "InternalError",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };

    private string TypeText => Type switch
    {
        FieldErrorType.NotFound => "Not found",
        FieldErrorType.Required => "Required value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Invalid or FieldErrorType.TypeInvalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        FieldErrorType.Internal => "Internal error",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };

    /// <summary>The message without the field path (the status cause <c>message</c>).</summary>
    public string Body
    {
        get
        {
            var s = Type is FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong or FieldErrorType.Internal
                    || ReferenceEquals(BadValue, OmitValue)
                ? TypeText
                : TypeText + ": " + FormatValue(BadValue);
            return Detail.Length == 0 ? s : s + ": " + Detail;
        }
    }

    /// <summary><c>{field}: {body}</c>.</summary>
    public override string ToString() => Field + ": " + Body;

    // Go formats the bad value with %q for strings, %v for numbers and booleans, %#v for anything else.
    private static string FormatValue(object? value) => value switch
    {
        null => GoQuote.Quote("null"),
        string s => GoQuote.Quote(s),
        bool b => b ? "true" : "false",
        int or long or short or uint or ulong or double or float or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        IEnumerable<string> list => "[]string{" + string.Join(", ", list.Select(GoQuote.Quote)) + "}",
        IEnumerable items => "[]interface {}{" + string.Join(", ", items.Cast<object?>().Select(FormatValue)) + "}",
        _ => value.ToString() ?? "",
    };
}
