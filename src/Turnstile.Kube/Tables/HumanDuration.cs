namespace Turnstile.Kube.Tables;

/// <summary>
/// apimachinery's <c>duration.HumanDuration</c>, what the AGE column shows: seconds below 2 minutes, minutes and
/// seconds below 10 minutes, minutes below 3 hours, hours and minutes below 8 hours, hours below 2 days, days and hours
/// below 8 days, days below 2 years, years and days below 8 years, then years. Up to one second in the future is
/// <c>0s</c>; further is <c>&lt;invalid&gt;</c>.
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }

    /// <summary>The age of an RFC 3339 timestamp at <paramref name="now"/>; <c>&lt;unknown&gt;</c> when absent or unparsable.</summary>
    public static string Since(string? timestamp, DateTimeOffset now) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? Format(now - t)
            : "<unknown>";
}
