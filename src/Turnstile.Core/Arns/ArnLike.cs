namespace Turnstile.Core.Arns;

/// <summary>
/// IAM's ArnLike: both ARNs split into six sections, each pattern section matched with <c>*</c> (any run)
/// and <c>?</c> (any single character, or none, as aws-iam-authenticator's regex translation does).
/// </summary>
public static class ArnLike
{
    public static bool Matches(string arn, string pattern)
    {
        var a = arn.Split(':', 6);
        var p = pattern.Split(':', 6);
        if (a.Length < 6 || p.Length < 6 || a[0] != "arn" || p[0] != "arn") return false;
        for (var i = 0; i < 6; i++)
            if (!SectionMatches(a[i], p[i])) return false;
        return true;
    }

    private static bool SectionMatches(string value, string pattern)
    {
        var regex = "^" + string.Concat(pattern.Select(c => c switch
        {
            '*' => ".*",
            '?' => ".?",
            _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()),
        })) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(value, regex, System.Text.RegularExpressions.RegexOptions.Singleline);
    }
}
