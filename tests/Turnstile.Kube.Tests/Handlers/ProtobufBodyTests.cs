using System.Text.Json.Nodes;
using Google.Protobuf;
using Turnstile.Kube.Handlers;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Tests.Handlers;

/// <summary>
/// Bodies in kube's protobuf encoding, as kubectl's typed clients send them, written here with Google's protobuf
/// library (an encoder independent of the decoder under test).
/// </summary>
public class ProtobufBodyTests
{
    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }

    private static void Str(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void Sub(CodedOutputStream o, int field, byte[] message)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(message));
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8.ToArray(), .. Message(o =>
        {
            Sub(o, 1, Message(t => { Str(t, 1, apiVersion); Str(t, 2, kind); }));
            Sub(o, 2, raw);
            Str(o, 3, "");
            Str(o, 4, "");
        })];

    private static JsonObject Decode(byte[] body) => (JsonObject)JsonNode.Parse(KubeProtobuf.ToJson(body))!;

    [Fact]
    public void A_cluster_role_binding_as_kubectl_create_sends_it()
    {
        // Go's gogo marshaller writes every non-pointer string, empty or not, and a zero creationTimestamp.
        var metadata = Message(m =>
        {
            Str(m, 1, "x");
            Str(m, 2, "");
            Str(m, 3, "");
            Sub(m, 8, Message(_ => { }));
            Sub(m, 11, Message(e => { Str(e, 1, "team"); Str(e, 2, "a"); }));
        });
        var raw = Message(b =>
        {
            Sub(b, 1, metadata);
            Sub(b, 2, Message(s => { Str(s, 1, "User"); Str(s, 2, "rbac.authorization.k8s.io"); Str(s, 3, "bob"); Str(s, 4, ""); }));
            Sub(b, 2, Message(s => { Str(s, 1, "Group"); Str(s, 2, "rbac.authorization.k8s.io"); Str(s, 3, "devs"); Str(s, 4, ""); }));
            Sub(b, 3, Message(r => { Str(r, 1, "rbac.authorization.k8s.io"); Str(r, 2, "ClusterRole"); Str(r, 3, "view"); }));
        });
        var obj = Decode(Envelope("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", raw));
        Assert.Equal(
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"x","labels":{"team":"a"}},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"bob"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}""",
            obj.ToJsonString());
    }

    [Fact]
    public void Config_map_bytes_and_review_attributes()
    {
        var configMap = Decode(Envelope("v1", "ConfigMap", Message(c =>
        {
            Sub(c, 1, Message(m => Str(m, 1, "c1")));
            Sub(c, 2, Message(e => { Str(e, 1, "a"); Str(e, 2, "b"); }));
            Sub(c, 3, Message(e => { Str(e, 1, "bin"); o(e); }));
            static void o(CodedOutputStream e)
            {
                e.WriteTag(2, WireFormat.WireType.LengthDelimited);
                e.WriteBytes(ByteString.CopyFrom(1, 2, 3));
            }
        })));
        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"b"},"binaryData":{"bin":"AQID"}}""", configMap.ToJsonString());

        var review = Decode(Envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", Message(r =>
        {
            Sub(r, 1, Message(_ => { }));
            Sub(r, 2, Message(s => Sub(s, 1, Message(a => { Str(a, 1, "default"); Str(a, 2, "create"); Str(a, 5, "pods"); }))));
        })));
        Assert.Equal(
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}}}""",
            review.ToJsonString());
    }

    [Fact]
    public void Malformed_bodies_are_400_and_unknown_kinds_415()
    {
        var notProtobuf = Assert.Throws<KubeApiException>(() => KubeProtobuf.ToJson("{}"u8.ToArray()));
        Assert.Equal(400, notProtobuf.Status.Code);
        var truncated = Envelope("v1", "ConfigMap", Message(c => Sub(c, 1, Message(m => Str(m, 1, "c1")))));
        Assert.Equal(400, Assert.Throws<KubeApiException>(() => KubeProtobuf.ToJson(truncated[..^3])).Status.Code);
        var deployment = Envelope("apps/v1", "Deployment", Message(d => Sub(d, 1, Message(m => Str(m, 1, "web")))));
        var unknown = Assert.Throws<KubeApiException>(() => KubeProtobuf.ToJson(deployment));
        Assert.Equal((415, "UnsupportedMediaType"), (unknown.Status.Code, unknown.Status.Reason));
    }
}
