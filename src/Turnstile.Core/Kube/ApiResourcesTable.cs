namespace Turnstile.Core.Kube;

/// <summary>
/// The text <c>kubectl api-resources [-o wide]</c> (v1.32) prints: a tab-aligned table with the columns
/// <c>NAME SHORTNAMES APIVERSION NAMESPACED KIND</c>, plus <c>VERBS CATEGORIES</c> with <c>-o wide</c> (comma-joined).
/// It lists each group's preferred version only and no subresources. Cells never contain spaces, but empty cells
/// leave gaps, so cells are cut at the header's column positions.
/// </summary>
/// <param name="HasVerbs">False for the narrow table (no VERBS column): verbs must come from elsewhere.</param>
/// <param name="Problems">Lines that could not be read, and kubectl's trailing discovery errors.</param>
public sealed record ApiResourcesTable(IReadOnlyList<ApiResource> Resources, bool HasVerbs, IReadOnlyList<string> Problems)
{
    private static readonly string[] NarrowHeader = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
    private static readonly string[] WideHeader = [.. NarrowHeader, "VERBS", "CATEGORIES"];

    /// <summary>Whether the text starts with kubectl api-resources' header line.</summary>
    public static bool IsTable(string text) => HeaderOf(text) is not null;

    public static ApiResourcesTable Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var headerIndex = Array.FindIndex(lines, l => l.Trim().Length > 0);
        var header = HeaderOf(text) ?? throw new FormatException("not a `kubectl api-resources` table: the header line is missing");
        var headerLine = lines[headerIndex];
        var starts = new int[header.Length];
        var from = 0;
        for (var i = 0; i < header.Length; i++)
        {
            starts[i] = headerLine.IndexOf(header[i], from, StringComparison.Ordinal);
            from = starts[i] + header[i].Length;
        }

        var resources = new List<ApiResource>();
        var problems = new List<string>();
        for (var n = headerIndex + 1; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd();
            if (line.Length == 0) continue;
            if (line.StartsWith("error:", StringComparison.Ordinal) || line.StartsWith("W0", StringComparison.Ordinal) || line.StartsWith("E0", StringComparison.Ordinal))
            {
                problems.Add($"line {n + 1}: kubectl reported: {line}");
                continue;
            }
            var cells = new string[header.Length];
            for (var i = 0; i < header.Length; i++)
            {
                var start = starts[i];
                var end = i + 1 < header.Length ? starts[i + 1] : line.Length;
                cells[i] = start >= line.Length ? "" : line[start..Math.Min(end, line.Length)].Trim();
            }
            if (ReadRow(cells, header.Length == WideHeader.Length) is { } resource) resources.Add(resource);
            else problems.Add($"line {n + 1}: not a row of the table: {line}");
        }
        return new ApiResourcesTable(resources, header.Length == WideHeader.Length, problems);
    }

    private static ApiResource? ReadRow(string[] cells, bool wide)
    {
        var (name, shortNames, apiVersion, namespaced, kind) = (cells[0], cells[1], cells[2], cells[3], cells[4]);
        if (name.Length == 0 || kind.Length == 0 || apiVersion.Length == 0 || name.Contains(' ') || namespaced is not ("true" or "false"))
            return null;
        var slash = apiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return new ApiResource
        {
            Name = name,
            SingularName = "",
            Namespaced = namespaced == "true",
            Kind = kind,
            Group = group,
            Version = version,
            Verbs = wide ? List(cells[5]) : [],
            ShortNames = List(shortNames),
            Categories = wide ? List(cells[6]) : [],
        };
    }

    private static string[] List(string cell) => cell.Length == 0 ? [] : cell.Split(',');

    private static string[]? HeaderOf(string text)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty) continue;
            var words = line.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.SequenceEqual(WideHeader)) return WideHeader;
            if (words.SequenceEqual(NarrowHeader)) return NarrowHeader;
            return null;
        }
        return null;
    }
}
