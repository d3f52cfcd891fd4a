using System.Text.Json.Nodes;
using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.Tests;

internal static class TestCrds
{
    /// <summary>A namespaced CRD with two versions (v1 served and stored, v1beta1 served), status and scale, printer columns.</summary>
    public static JsonObject WidgetObject() => JsonNode.Parse("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
           "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wd"],"categories":["all"]},
           "versions":[
             {"name":"v1beta1","served":true,"storage":false,
              "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}}},
             {"name":"v1","served":true,"storage":true,
              "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
              "additionalPrinterColumns":[
                {"name":"Size","type":"integer","jsonPath":".spec.size"},
                {"name":"Color","type":"string","jsonPath":".spec.color","priority":1},
                {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}],
              "schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","properties":{
                  "size":{"type":"integer"},"color":{"type":"string"},"replicas":{"type":"integer"},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}
        """)!.AsObject();

    public static CustomResourceDefinition Widget() => CustomResourceDefinition.FromObject(WidgetObject());
}
