using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.Tables;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>): the columns and cells
/// kube-apiserver v1.32's printers give (<c>pkg/printers/internalversion/printers.go</c>) for the kinds with a printer
/// here, a CRD's <c>additionalPrinterColumns</c> (by JSONPath), and the default <c>Name</c> / <c>Created At</c> table for
/// every other kind. The server always fills the wide (priority 1) cells; kubectl shows them with <c>-o wide</c>.
/// </summary>
public sealed class TableConverter(ApiSnapshot snapshot)
{
    /// <summary>The columns a resource's table has.</summary>
    public IReadOnlyList<TableColumn> ColumnsFor(string group, string resource, string version = "") => PrinterFor(group, resource, version).Columns;

    /// <summary>The rows of a list (or of one object), each with its cells and source object.</summary>
    public IReadOnlyList<TableRow> Rows(string group, string resource, IEnumerable<JsonObject> objects, DateTimeOffset now, string version = "")
    {
        var printer = PrinterFor(group, resource, version);
        return objects.Select(o => new TableRow(printer.Cells(o, now), o, printer.Conditions?.Invoke(o))).ToList();
    }

    /// <summary>The whole Table response body.</summary>
    /// <param name="version">The requested version; it picks a CRD version's printer columns (default: the storage version's).</param>
    public byte[] ToTable(string group, string resource, IEnumerable<JsonObject> objects, IncludeObject include, DateTimeOffset now,
        string resourceVersion = "", string continueToken = "", string version = "") =>
        TableWriter.Write(ColumnsFor(group, resource, version), Rows(group, resource, objects, now, version), include, resourceVersion, continueToken);

    private Printer PrinterFor(string group, string resource, string version)
    {
        if (snapshot.FindCustomResource(group, resource) is { } crd)
            return CustomPrinter(crd.Versions.FirstOrDefault(v => v.Name == version) ?? crd.StorageVersion);
        return BuiltInPrinters.For(group, resource);
    }

    // apiextensions' table convertor: Name, then the version's columns (Age when it declares none).
    private static Printer CustomPrinter(CrdVersion version)
    {
        var columns = CustomResourceDefinition.ColumnsOrDefault(version);
        var definitions = new List<TableColumn> { BuiltInPrinters.Name };
        definitions.AddRange(columns.Select(c => new TableColumn(c.Name, c.Type, c.Format, c.Description, c.Priority)));
        return new Printer(definitions, (o, now) =>
        {
            var cells = new List<object?> { BuiltInPrinters.NameOf(o) };
            foreach (var c in columns)
            {
                var value = SimpleJsonPath.Find(o, c.JsonPath);
                cells.Add(value is null ? null : c.Type switch
                {
                    "date" when value is JsonValue v && v.TryGetValue<string>(out var ts) => HumanDuration.Since(ts, now),
                    "integer" when value is JsonValue v && v.TryGetValue<long>(out var l) => l,
                    "number" when value is JsonValue v && v.TryGetValue<double>(out var d) => d,
                    "boolean" when value is JsonValue v && v.TryGetValue<bool>(out var b) => b,
                    "string" when value is JsonValue v && v.TryGetValue<string>(out var s) => s,
                    _ => value is JsonValue scalar ? scalar.ToJsonString().Trim('"') : value.ToJsonString(),
                });
            }
            return cells.ToArray();
        });
    }
}

internal static class StringExtensions
{
    public static string? NullIfEmpty(this string s) => s.Length == 0 ? null : s;

    public static string OrUnknown(this string s) => s.Length == 0 ? "<unknown>" : s;
}
