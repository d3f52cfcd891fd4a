using System.Text;
using CsCheck;

namespace Turnstile.Fuzzing;

/// <summary>
/// Generators of text that parsers get wrong: seeds from real inputs cut, spliced and salted with the tokens that
/// break YAML and JSON readers (deep brackets, lone surrogate escapes, huge numbers, anchors, tabs, NULs), and
/// JSON documents built from a vocabulary of the field names the readers look for.
/// </summary>
public static class MalformedText
{
    /// <summary>Snippets that each break some parser in a known way.</summary>
    public static readonly string[] Nasty =
    [
        "{", "}", "[", "]", "\"", "'", ":", ",", "- ", "---\n", "...\n", "? ", ": ", "&a ", "*a", "*nope", "!!binary ", "!!int ",
        "!!map ", "!custom ", "%YAML 1.2\n", "|", ">", "#", "\t", "\r", "\n", "\n  ", "\n    - ", "\\", "\\ud800", "\"\\ud800\"",
        "\"\\udc00x\"", "\\u0000", "\u0000", "\uFFFE", "\uD800", "é", "\U0001F600", "1e400", "-1e400", "1e-400", "NaN", ".inf",
        "18446744073709551616", "0x1F", "0o17", "null", "~", "true", "yes", "off", "\"\"", "[]", "{}", "[[[[[[[[[[", "]]]]]",
        new string('[', 300), new string('{', 300), string.Concat(Enumerable.Repeat("{\"a\":", 100)), string.Concat(Enumerable.Repeat("- ", 300)),
        "a: &a [x, x]\nb: [*a, *a, *a]\n", "<<: *a\n", "arn:", "arn:aws:iam::1234:user/", "arn:aws:iam::*:role/*", "system:masters",
    ];

    public static readonly Gen<string> Snippet = Gen.Frequency(
        (6, Gen.OneOf(Nasty)),
        (2, Gen.String[0, 12]),
        (1, Gen.Char.Array[1, 6].Select(c => new string(c))));

    private sealed record Edit(int Kind, int At, int Length, string Snippet)
    {
        public string Apply(string text)
        {
            var at = text.Length == 0 ? 0 : At % (text.Length + 1);
            var length = Math.Min(Length, text.Length - at);
            return Kind switch
            {
                0 => text.Insert(at, Snippet),
                1 => text.Remove(at, length),
                2 => text.Remove(at, length).Insert(at, Snippet),
                3 => text.Insert(at, text.Substring(at, length)),
                _ => text[..at],
            };
        }
    }

    private static readonly Gen<Edit> Edits = Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int[0, 80], Snippet,
        (kind, at, length, snippet) => new Edit(kind, at, length, snippet));

    /// <summary>One of <paramref name="seeds"/> with one to six edits: inserts, deletions, replacements, duplicated slices, truncation.</summary>
    public static Gen<string> Mutated(IReadOnlyList<string> seeds) =>
        Gen.Select(Gen.OneOf(seeds.ToArray()), Edits.Array[1, 6], (text, edits) => edits.Aggregate(text, (t, e) => e.Apply(t)));

    /// <summary>Scalar JSON values, well-formed or not quite.</summary>
    public static Gen<string> JsonScalar(IReadOnlyList<string> strings) => Gen.Frequency(
        (5, Gen.OneOf(strings.ToArray()).Select(Quote)),
        (2, Gen.String[0, 10].Select(Quote)),
        (1, Gen.OneOf("\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"\\x\"", "\"unterminated")),
        (2, Gen.OneOf("0", "-1", "1.685475163532E9", "1e400", "-1e400", "123456789012345678901234567890", "1.5", "2147483648")),
        (2, Gen.OneOf("true", "false", "null")));

    /// <summary>JSON documents up to <paramref name="depth"/> deep whose keys come from <paramref name="keys"/> (so they may repeat).</summary>
    public static Gen<string> Json(IReadOnlyList<string> keys, IReadOnlyList<string> strings, int depth = 4)
    {
        var scalar = JsonScalar(strings);
        if (depth == 0) return scalar;
        var inner = Json(keys, strings, depth - 1);
        var member = Gen.Select(Gen.OneOf(keys.ToArray()), inner, (k, v) => Quote(k) + ":" + v);
        return Gen.Frequency(
            (3, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (4, member.Array[0, 6].Select(members => "{" + string.Join(",", members) + "}")));
    }

    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    /// <summary>ARNs good and bad, the values every Turnstile input is keyed on.</summary>
    public static readonly string[] Arns =
    [
        "arn:aws:iam::111122223333:user/admin", "arn:aws:iam::111122223333:role/bastion", "arn:aws:iam::111122223333:role/a/b/path-role",
        "arn:aws:sts::111122223333:assumed-role/bastion/session", "arn:aws:iam::111122223333:root", "arn:aws:sts::111122223333:federated-user/fed",
        "arn:aws:iam::1234:user/x", "arn:aws:iam::111122223333:user/", "arn:aws:iam::*:role/*", "arn:aws-cn:iam::111122223333:role/r",
        "arn:nope:iam::111122223333:user/u", "arn:aws:s3:::bucket", "not-an-arn", "arn:", "",
        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef",
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    ];
}

/// <summary>The repository's files the fuzzers start from.</summary>
public static class FuzzSeeds
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The text of every example snapshot file (the README of examples/ excluded).</summary>
    public static IReadOnlyList<string> ExampleSnapshotFiles { get; } = Directory
        .EnumerateFiles(Path.Combine(RepoRoot, "examples"), "*", SearchOption.AllDirectories)
        .Where(p => Path.GetFileName(p) != "README.md")
        .Order(StringComparer.Ordinal)
        .Select(File.ReadAllText)
        .ToArray();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Turnstile.sln"))) return dir.FullName;
        throw new InvalidOperationException("Turnstile.sln not found above the test directory");
    }
}
