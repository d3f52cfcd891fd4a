using System.Globalization;

namespace Turnstile.Core.Aws.Sigv4;

/// <summary>The SigV4 timestamp format, ISO-8601 basic: <c>yyyyMMddTHHmmssZ</c> (UTC).</summary>
public static class AmzDate
{
    public const string Format = "yyyyMMdd'T'HHmmss'Z'";

    public static string ToAmzDate(this DateTimeOffset time) =>
        time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string ToScopeDate(this DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Strict parse of exactly 16 characters <c>yyyyMMddTHHmmssZ</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 16 || text[8] != 'T' || text[15] != 'Z') return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(4, 2), out var month) ||
            !Digits(text.Slice(6, 2), out var day) || !Digits(text.Slice(9, 2), out var hour) ||
            !Digits(text.Slice(11, 2), out var minute) || !Digits(text.Slice(13, 2), out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
            return false;
        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if ((uint)(c - '0') > 9) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
