using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Turnstile.Core.Iam.Policies;

/// <summary>How IAM reads the typed values of conditions (shared by validation and evaluation).</summary>
public static class PolicyValues
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM",
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    public static bool TryParseNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>W3C profile of ISO 8601 (UTC unless a zone is given) or epoch seconds; digits alone are always epoch seconds.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            // Years 0001..9999 only; anything beyond is not a date .NET (or a request) can hold.
            if (epoch <= 253402300799)
            {
                value = DateTimeOffset.FromUnixTimeSeconds(epoch);
                return true;
            }
            value = default;
            return false;
        }
        return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public static bool TryParseBool(string text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            value = false;
            return true;
        }
        value = false;
        return false;
    }

    public static bool TryParseCidr(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)) return false;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits)) return false;
        range = new IpRange(address.GetAddressBytes(), prefix);
        return true;
    }
}

/// <summary>An address range (a CIDR block); an address of the other IP family is never inside.</summary>
public readonly record struct IpRange(byte[] Network, int PrefixLength)
{
    public bool Contains(IPAddress address)
    {
        var bytes = address.IsIPv4MappedToIPv6 && Network.Length == 4 ? address.MapToIPv4().GetAddressBytes() : address.GetAddressBytes();
        if (bytes.Length != Network.Length) return false;
        var remaining = PrefixLength;
        for (var i = 0; i < bytes.Length && remaining > 0; i++, remaining -= 8)
        {
            var mask = remaining >= 8 ? 0xFF : (byte)(0xFF << (8 - remaining));
            if ((bytes[i] & mask) != (Network[i] & mask)) return false;
        }
        return true;
    }
}
