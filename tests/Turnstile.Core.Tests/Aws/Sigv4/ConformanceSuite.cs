using System.Text;
using System.Text.Json;
using Turnstile.Core.Aws.Sigv4;

namespace Turnstile.Core.Tests.Aws.Sigv4;

/// <summary>Reads the aws-c-auth style v4 cases from the shared conformance folder next to the repository.</summary>
internal static class ConformanceSuite
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string V4Dir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "conformance", "sigv4", "v4"));

    public static IEnumerable<string> CaseNames() =>
        Directory.GetDirectories(V4Dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static string ReadText(string caseName, string file) =>
        File.ReadAllText(Path.Combine(V4Dir, caseName, file), Encoding.UTF8).Replace("\r", "");

    public static CaseContext Context(string caseName)
    {
        using var doc = JsonDocument.Parse(ReadText(caseName, "context.json"));
        var root = doc.RootElement;
        var creds = root.GetProperty("credentials");
        return new CaseContext(
            new AwsCredentials(
                creds.GetProperty("access_key_id").GetString()!,
                creds.GetProperty("secret_access_key").GetString()!,
                creds.TryGetProperty("token", out var t) ? t.GetString() : null),
            root.GetProperty("region").GetString()!,
            root.GetProperty("service").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!),
            root.GetProperty("expiration_in_seconds").GetInt32(),
            root.GetProperty("normalize").GetBoolean(),
            root.GetProperty("sign_body").GetBoolean(),
            root.TryGetProperty("omit_session_token", out var o) && o.GetBoolean());
    }

    public static SigV4HttpRequest Request(string caseName, string file = "request.txt") =>
        ParseHttp(ReadText(caseName, file));

    /// <summary>
    /// Parses "METHOD target HTTP/1.1", header lines (a line starting with whitespace continues the previous
    /// value, kept raw), a blank line and the body. The target may contain spaces (get-space).
    /// </summary>
    public static SigV4HttpRequest ParseHttp(string text)
    {
        var lines = text.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ')];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(' ')];
        var q = target.IndexOf('?');
        var headers = new List<HttpHeader>();
        var i = 1;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            var line = lines[i];
            if (line[0] is ' ' or '\t')
            {
                var last = headers[^1];
                headers[^1] = last with { Value = last.Value + "\n" + line };
                continue;
            }
            var colon = line.IndexOf(':');
            headers.Add(new HttpHeader(line[..colon], line[(colon + 1)..]));
        }
        var body = i + 1 < lines.Length ? string.Join('\n', lines[(i + 1)..]) : "";
        return new SigV4HttpRequest
        {
            Method = method,
            RawPath = q < 0 ? target : target[..q],
            RawQuery = q < 0 ? "" : target[(q + 1)..],
            Headers = headers,
            Body = Encoding.UTF8.GetBytes(body),
        };
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Turnstile.sln"))) return dir.FullName;
        throw new InvalidOperationException("Turnstile.sln not found above the test assembly");
    }
}

internal sealed record CaseContext(
    AwsCredentials Credentials,
    string Region,
    string Service,
    DateTimeOffset Timestamp,
    int ExpiresSeconds,
    bool Normalize,
    bool SignBody,
    bool OmitSessionToken)
{
    public SigV4SigningOptions SigningOptions => new()
    {
        NormalizePath = Normalize,
        AddContentSha256Header = SignBody,
        SessionToken = OmitSessionToken ? SessionTokenPlacement.AddedAfterSigning : SessionTokenPlacement.Signed,
    };

    public SigV4Verifier Verifier(DateTimeOffset? now = null) =>
        new(new SigV4VerifierOptions { NormalizePath = Normalize }, new FixedTime(now ?? Timestamp), new SigningKeyCache());
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
