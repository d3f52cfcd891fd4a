using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Kube.Catalog;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.OpenApi;
using Turnstile.Kube.Validation;

namespace Turnstile.KubeServer.Adapters;

/// <summary>Unknown fields of a create or update body, by the kind's OpenAPI schema in one cluster's catalogue.</summary>
public sealed class SchemaFieldValidator(ApiSnapshot snapshot) : IFieldValidator
{
    public IReadOnlyList<string> UnknownFields(ApiResource resource, JsonObject obj)
    {
        if (snapshot.Schemas.ForKind(new GroupVersionKind(resource.Group, resource.Version, resource.Kind)) is not { } schema) return [];
        var result = FieldValidation.Prune(obj, schema, FieldValidationMode.Warn);
        return result.Warnings;
    }
}
