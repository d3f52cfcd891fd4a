namespace Turnstile.Storage;

/// <summary>
/// Where the state lives, as <c>--store</c> and <c>TURNSTILE_STORE</c> name it: <c>memory</c>, <c>sqlite:PATH</c>
/// or <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DB</c> (also <c>postgres://</c>). <see cref="Description"/> (also
/// <see cref="object.ToString"/>) names it for the ready line and never shows a password.
/// </summary>
public abstract record StoreLocation
{
    private const string Expected = "expected memory, sqlite:PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB";

    public abstract string Description { get; }

    public sealed override string ToString() => Description;

    /// <exception cref="FormatException">With a one-line message naming what is wrong (never the password).</exception>
    public static StoreLocation Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw new FormatException("the store location is empty; " + Expected);
        if (trimmed.Equals("memory", StringComparison.OrdinalIgnoreCase)) return new MemoryLocation();
        if (trimmed.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = trimmed["sqlite:".Length..];
            if (path.Length == 0) throw new FormatException("the store location sqlite: needs a file path, as in sqlite:/var/lib/turnstile/turnstile.db");
            if (path.IndexOf('\0') >= 0) throw new FormatException("the SQLite path contains a NUL character");
            return new SqliteLocation(path);
        }
        if (trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            return PostgresLocation.ParseUrl(trimmed);
        var shown = trimmed.Contains('@') ? "" : $" \"{trimmed}\"";
        throw new FormatException($"unknown store location{shown}; {Expected}");
    }
}

/// <summary>State in process memory, lost on exit.</summary>
public sealed record MemoryLocation : StoreLocation
{
    public override string Description => "memory (state is lost on exit)";
}

/// <summary>An SQLite file (created 0600 when missing).</summary>
public sealed record SqliteLocation(string Path) : StoreLocation
{
    public string FullPath => System.IO.Path.GetFullPath(Path);

    public override string Description => "sqlite " + FullPath;
}

/// <summary>A PostgreSQL database shared by every replica that names it.</summary>
public sealed record PostgresLocation(string Host, int Port, string Database, string User, string? Password) : StoreLocation
{
    public const int DefaultPort = 5432;

    public override string Description => $"postgresql://{Uri.EscapeDataString(User)}@{HostText}:{Port}/{Uri.EscapeDataString(Database)}";

    private string HostText => Host.Contains(':') ? $"[{Host}]" : Host;

    internal static PostgresLocation ParseUrl(string text)
    {
        // Only the scheme is echoed back: the rest may hold a password.
        var scheme = text[..text.IndexOf("://", StringComparison.Ordinal)];
        var rest = text[(scheme.Length + 3)..];
        string Fail(string what) => throw new FormatException($"invalid {scheme}:// store location: {what}; expected {scheme}://USER[:PASSWORD]@HOST[:PORT]/DB");

        if (rest.IndexOfAny(['?', '#']) >= 0) Fail("query parameters and fragments are not supported");
        var at = rest.LastIndexOf('@');
        if (at < 0) Fail("the user name is missing");
        var userInfo = rest[..at];
        var hostAndPath = rest[(at + 1)..];
        var slash = hostAndPath.IndexOf('/');
        if (slash < 0) Fail("the database name is missing");
        var hostPort = hostAndPath[..slash];
        var database = Uri.UnescapeDataString(hostAndPath[(slash + 1)..]);
        if (database.Length == 0) Fail("the database name is missing");
        if (database.Contains('/')) Fail("the database name contains '/'");

        var colon = userInfo.IndexOf(':');
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (user.Length == 0) Fail("the user name is missing");

        string host;
        var port = DefaultPort;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0) Fail("an IPv6 host lacks its closing ']'");
            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') Fail("unexpected text after the host");
                portText = after[1..];
            }
        }
        else
        {
            var portColon = hostPort.LastIndexOf(':');
            host = portColon < 0 ? hostPort : hostPort[..portColon];
            if (portColon >= 0) portText = hostPort[(portColon + 1)..];
        }
        if (host.Length == 0) Fail("the host is missing");
        if (portText is not null && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            Fail("the port must be a number from 1 to 65535");
        return new PostgresLocation(host, port, database, user, password);
    }
}
