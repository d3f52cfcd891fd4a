using System.Text.RegularExpressions;

namespace Turnstile.Core.Kube;

/// <summary>
/// Kubernetes name and label syntax checks (apimachinery <c>util/validation</c>). Each returns the list of
/// problems in kube-apiserver's wording; an empty list means valid.
/// </summary>
public static partial class NameValidation
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int QualifiedNameMaxLength = 63;
    public const int LabelValueMaxLength = 63;

    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string ConfigMapKeyFormat = "[-._a-zA-Z0-9]+";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";

    private const string Dns1123LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelError =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string QualifiedNameError =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    /// <summary>Names of RBAC objects and <c>roleRef.name</c>: only path-segment rules apply.</summary>
    public static IReadOnlyList<string> PathSegmentName(string name)
    {
        if (name is "." or "..") return [$"may not be '{name}'"];
        var errors = new List<string>();
        if (name.Contains('/')) errors.Add("may not contain '/'");
        if (name.Contains('%')) errors.Add("may not contain '%'");
        return errors;
    }

    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength) errors.Add(MaxLength(Dns1123LabelMaxLength));
        if (!Dns1123LabelRegex().IsMatch(value))
        {
            errors.Add(Dns1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : RegexError(Dns1123LabelError, Dns1123LabelFormat, "my-name", "123-abc"));
        }
        return errors;
    }

    /// <summary>Keys of ConfigMap and Secret data.</summary>
    public static IReadOnlyList<string> ConfigMapKey(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength) errors.Add(MaxLength(Dns1123SubdomainMaxLength));
        if (!ConfigMapKeyRegex().IsMatch(value))
            errors.Add(RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", ConfigMapKeyFormat, "key.name", "KEY_NAME", "key-name"));
        if (value == ".") errors.Add("must not be '.'");
        else if (value == "..") errors.Add("must not be '..'");
        else if (value.StartsWith("..", StringComparison.Ordinal)) errors.Add("must not start with '..'");
        return errors;
    }

    /// <summary>Service names.</summary>
    public static IReadOnlyList<string> Dns1035Label(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength) errors.Add(MaxLength(Dns1123LabelMaxLength));
        if (!Dns1035LabelRegex().IsMatch(value)) errors.Add(RegexError(Dns1035LabelError, Dns1035LabelFormat, "my-name", "abc-123"));
        return errors;
    }

    /// <summary>Also the rule for ServiceAccount names.</summary>
    public static IReadOnlyList<string> Dns1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength) errors.Add(MaxLength(Dns1123SubdomainMaxLength));
        if (!Dns1123SubdomainRegex().IsMatch(value)) errors.Add(RegexError(Dns1123SubdomainError, Dns1123SubdomainFormat, "example.com"));
        return errors;
    }

    /// <summary>Label keys (and lower-cased annotation keys): an optional DNS-subdomain prefix and a name part.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0) errors.Add("prefix part must be non-empty");
                else errors.AddRange(Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                break;
            default:
                return
                [
                    "a qualified name " + RegexError(QualifiedNameError, QualifiedNameFormat, "MyName", "my.name", "123-abc") +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                ];
        }
        if (name.Length == 0) errors.Add("name part must be non-empty");
        else if (name.Length > QualifiedNameMaxLength) errors.Add("name part " + MaxLength(QualifiedNameMaxLength));
        if (!QualifiedNameRegex().IsMatch(name))
            errors.Add("name part " + RegexError(QualifiedNameError, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        return errors;
    }

    public static IReadOnlyList<string> LabelValue(string value)
    {
        var errors = new List<string>();
        if (value.Length > LabelValueMaxLength) errors.Add(MaxLength(LabelValueMaxLength));
        if (!LabelValueRegex().IsMatch(value)) errors.Add(RegexError(LabelValueError, LabelValueFormat, "MyValue", "my_value", "12345"));
        return errors;
    }

    private static string MaxLength(int length) => $"must be no more than {length} characters";

    private static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0) return $"{message} (regex used for validation is '{format}')";
        var text = message + " (e.g. " + string.Concat(examples.Select((e, i) => (i > 0 ? " or " : "") + "'" + e + "', "));
        return text + $"regex used for validation is '{format}')";
    }

    [GeneratedRegex("^" + Dns1123LabelFormat + @"\z")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + ConfigMapKeyFormat + @"\z")]
    private static partial Regex ConfigMapKeyRegex();

    [GeneratedRegex("^" + Dns1035LabelFormat + @"\z")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + @"\z")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + QualifiedNameFormat + @"\z")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFormat + @"\z")]
    private static partial Regex LabelValueRegex();
}
