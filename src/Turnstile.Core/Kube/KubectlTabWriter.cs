using System.Text;

namespace Turnstile.Core.Kube;

/// <summary>Go's tabwriter as kubectl configures it for tables: minimum cell width 6, padding 3, spaces.</summary>
public static class KubectlTabWriter
{
    public static string Format(IReadOnlyList<string[]> rows)
    {
        var columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
            for (var i = 0; i < row.Length - 1; i++)
                widths[i] = Math.Max(widths[i], Math.Max(6, row[i].Length + 3));
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
                sb.Append(i < row.Length - 1 ? row[i].PadRight(widths[i]) : row[i]);
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
