using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Storage;
using Turnstile.Kube.Tables;

namespace Turnstile.KubeServer.Adapters;

/// <summary>Server-side tables with the columns of a 1.32 server's printers and CRDs' printer columns.</summary>
public sealed class CatalogTableConvertor(ApiSnapshot snapshot, TimeProvider time) : ITableConvertor
{
    private readonly TableConverter _converter = new(snapshot);

    public TableContent ConvertToTable(ApiResource resource, IReadOnlyList<KubeObject> objects)
    {
        var name = resource.Name.Split('/')[0];
        var columns = _converter.ColumnsFor(resource.Group, name, resource.Version)
            .Select(c => new Turnstile.Kube.Handlers.TableColumn(c.Name, c.Type, c.Format, c.Description, c.Priority)).ToList();
        var rows = _converter.Rows(resource.Group, name, objects.Select(o => o.Root), time.GetUtcNow(), resource.Version)
            .Select(r => (IReadOnlyList<JsonNode?>)r.Cells.Select(c => c is null ? null : JsonSerializer.SerializeToNode(c)).ToList()).ToList();
        return new TableContent(columns, rows);
    }
}
