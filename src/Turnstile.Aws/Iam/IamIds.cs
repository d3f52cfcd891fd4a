using System.Security.Cryptography;
using System.Text;

namespace Turnstile.Aws.Iam;

/// <summary>
/// Unique ids, access keys, secrets and session tokens in AWS's formats, from a cryptographic RNG.
/// Entity ids are a four-letter prefix and 17 base32 characters (<c>A-Z2-7</c>); access key ids a prefix and 16.
/// Access key ids carry the account the way AWS's do (bits 46..7 of the first six decoded bytes), so
/// <see cref="TryDecodeAccount"/> answers GetAccessKeyInfo for keys this emulator no longer stores.
/// </summary>
public static class IamIds
{
    public const string UserPrefix = "AIDA";
    public const string RolePrefix = "AROA";
    public const string GroupPrefix = "AGPA";
    public const string PolicyPrefix = "ANPA";
    public const string InstanceProfilePrefix = "AIPA";
    public const string LongTermKeyPrefix = "AKIA";
    public const string TemporaryKeyPrefix = "ASIA";

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const long AccountMask = 0x7fff_ffff_ff80;

    public static string NewUserId() => NewEntityId(UserPrefix);
    public static string NewRoleId() => NewEntityId(RolePrefix);
    public static string NewGroupId() => NewEntityId(GroupPrefix);
    public static string NewPolicyId() => NewEntityId(PolicyPrefix);
    public static string NewInstanceProfileId() => NewEntityId(InstanceProfilePrefix);

    public static string NewEntityId(string prefix) => prefix + RandomString(Base32, 17);

    public static string NewAccessKeyId(string accountId) => NewKeyId(LongTermKeyPrefix, accountId);

    public static string NewTemporaryAccessKeyId(string accountId) => NewKeyId(TemporaryKeyPrefix, accountId);

    public static string NewSecretAccessKey() => RandomString(SecretAlphabet, 40);

    /// <summary>An opaque token, as long as the ones STS issues (a few hundred characters of base64).</summary>
    public static string NewSessionToken() => "IQoJb3JpZ2luX2Vj" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(300));

    public static string NewKeyId(string prefix, string accountId)
    {
        var bytes = RandomNumberGenerator.GetBytes(10);
        if (long.TryParse(accountId, out var account) && account is >= 0 and <= 999_999_999_999)
        {
            var head = (long)(bytes[0] & 0x80) << 40 | account << 7 | (long)(bytes[5] & 0x7f);
            for (var i = 0; i < 6; i++) bytes[i] = (byte)(head >> (8 * (5 - i)));
        }
        return prefix + ToBase32(bytes);
    }

    /// <summary>The account encoded in an AWS-format access key id (20 characters, base32 after the prefix).</summary>
    public static bool TryDecodeAccount(string accessKeyId, out string accountId)
    {
        accountId = "";
        if (accessKeyId.Length != 20) return false;
        var body = accessKeyId[4..];
        long head = 0;
        var bits = 0;
        var consumed = 0;
        // 10 base32 characters give 50 bits; the first 48 are the six bytes AWS encodes the account in.
        foreach (var c in body[..10])
        {
            var value = Base32.IndexOf(c);
            if (value < 0) return false;
            head = head << 5 | (uint)value;
            bits += 5;
            consumed++;
        }
        head >>= bits - 48;
        accountId = ((head & AccountMask) >> 7).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        return consumed == 10;
    }

    private static string RandomString(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(chars);
    }

    private static string ToBase32(byte[] bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = buffer << 8 | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(Base32[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }
}
