using Turnstile.KubeServer.Protobuf;

namespace Turnstile.KubeServer.Tests;

public sealed class ProtobufTests
{
    // Hand-written wire bytes: tag (field << 3 | wire type), length-delimited payloads.
    private static byte[] Field(int number, byte[] payload) => [(byte)(number << 3 | 2), (byte)payload.Length, .. payload];

    private static byte[] Text(int number, string text) => Field(number, System.Text.Encoding.UTF8.GetBytes(text));

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [(byte)'k', (byte)'8', (byte)'s', 0, .. Field(1, [.. Text(1, apiVersion), .. Text(2, kind)]), .. Field(2, raw)];

    [Fact]
    public void A_configmap_reads_as_the_json_kubectl_would_send()
    {
        var meta = Field(1, [.. Text(1, "cm"), .. Text(2, ""), .. Field(11, [.. Text(1, "app"), .. Text(2, "web")])]);
        var data = Field(2, [.. Text(1, "color"), .. Text(2, "blue")]);
        var json = KubeProtobuf.ToJson(Envelope("v1", "ConfigMap", [.. meta, .. data]));
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm","labels":{"app":"web"}},"data":{"color":"blue"}}""", json!.ToJsonString());
    }

    [Fact]
    public void A_binding_keeps_its_required_fields_and_subjects_in_order()
    {
        var roleRef = Field(3, [.. Text(1, "rbac.authorization.k8s.io"), .. Text(2, "ClusterRole"), .. Text(3, "view")]);
        var subject = Field(2, [.. Text(1, "User"), .. Text(2, "rbac.authorization.k8s.io"), .. Text(3, "jane"), .. Text(4, "")]);
        var json = KubeProtobuf.ToJson(Envelope("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", [.. Field(1, Text(1, "b")), .. subject, .. roleRef]));
        Assert.Equal("""{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"b"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"jane"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}""",
            json!.ToJsonString());
    }

    [Fact]
    public void Unknown_kinds_are_left_to_the_handlers_and_broken_bodies_are_errors()
    {
        Assert.Null(KubeProtobuf.ToJson(Envelope("apps/v1", "Deployment", [])));
        Assert.Throws<ProtobufException>(() => KubeProtobuf.ToJson("{}"u8));
        Assert.Throws<ProtobufException>(() => KubeProtobuf.ToJson(Envelope("v1", "ConfigMap", [0x0A, 0x7F, 0x01])));
    }
}
