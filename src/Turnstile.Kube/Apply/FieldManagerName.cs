using System.Globalization;
using System.Text;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Apply;

/// <summary>
/// Field manager names as kube-apiserver takes them: the <c>fieldManager</c> query parameter when given, else the
/// User-Agent up to its first <c>/</c> (<c>kubectl/v1.32.0 (linux/amd64) …</c> → <c>kubectl</c>), and the checks
/// on the parameter (at most 128 bytes, printable characters; required for apply).
/// </summary>
public static class FieldManagerName
{
    public const int MaxLength = 128;

    /// <summary>The manager of a non-apply write: the parameter, or one derived from the User-Agent.</summary>
    public static string Resolve(string? fieldManager, string? userAgent) =>
        string.IsNullOrEmpty(fieldManager) ? FromUserAgent(userAgent) : fieldManager;

    /// <summary>
    /// The User-Agent before its first <c>/</c>, without unprintable characters, cut at 128 bytes. An empty result
    /// is recorded as <c>unknown</c>.
    /// </summary>
    public static string FromUserAgent(string? userAgent)
    {
        var prefix = (userAgent ?? "").Split('/')[0];
        var sb = new StringBuilder();
        var bytes = 0;
        foreach (var rune in prefix.EnumerateRunes())
        {
            if (!IsPrint(rune)) continue;
            if (bytes + rune.Utf8SequenceLength > MaxLength) break;
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>The errors for a <c>fieldManager</c> parameter (path <c>fieldManager</c>), as apimachinery words them.</summary>
    public static IReadOnlyList<FieldError> Validate(string fieldManager)
    {
        var errors = new List<FieldError>();
        if (Encoding.UTF8.GetByteCount(fieldManager) > MaxLength) errors.Add(FieldError.TooLong("fieldManager", MaxLength));
        var position = 0;
        foreach (var rune in fieldManager.EnumerateRunes())
        {
            if (!IsPrint(rune))
                errors.Add(FieldError.Invalid("fieldManager", fieldManager,
                    $"invalid character U+{rune.Value.ToString("X4", CultureInfo.InvariantCulture)} (at position {position})"));
            position += rune.Utf8SequenceLength;
        }
        return errors;
    }

    /// <summary>
    /// The errors of a PATCH's manager options (<c>ValidatePatchOptions</c>): apply requires <c>fieldManager</c>,
    /// other patches must not set <c>force</c>. Answer them with <see cref="InvalidOptions"/> (422).
    /// </summary>
    public static IReadOnlyList<FieldError> PatchOptionErrors(bool isApply, string fieldManager, bool? force)
    {
        var errors = new List<FieldError>();
        if (isApply && fieldManager.Length == 0) errors.Add(FieldError.Required("fieldManager", "is required for apply patch"));
        if (!isApply && force is not null) errors.Add(FieldError.Forbidden("force", "may not be specified for non-apply patch"));
        errors.AddRange(Validate(fieldManager));
        return errors;
    }

    /// <summary>The 422 for invalid options, e.g. <c>PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: …</c>.</summary>
    public static KubeStatus InvalidOptions(string optionsKind, IReadOnlyList<FieldError> errors) =>
        KubeStatus.Invalid("meta.k8s.io", optionsKind, "", errors);

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ') return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }
}
