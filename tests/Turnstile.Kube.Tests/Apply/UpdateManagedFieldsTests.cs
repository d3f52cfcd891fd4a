using System.Text.Json.Nodes;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.Managed;
using static Turnstile.Kube.Tests.Apply.ApplyTestKit;

namespace Turnstile.Kube.Tests.Apply;

public class UpdateManagedFieldsTests
{
    // A Pod created by `kubectl apply` (client-side) on a 1.32-era server, as decoded and defaulted before admission
    // plugins ran; the expected entry is the one the server recorded (from a public admission-review log).
    private const string CreatedPod = """
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx","namespace":"default","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"nginx\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx:1.14.2\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}\n"}},
         "spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
          "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler","enableServiceLinks":true},
         "status":{}}
        """;

    private const string CreatedPodFields =
        """{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}""";

    [Fact]
    public void A_create_records_every_field_of_the_defaulted_object_as_kube_does()
    {
        var created = ServerSideApply.UpdateManagedFields(null, Obj(CreatedPod), UpdateOf(Pod, "kubectl-client-side-apply"));

        var entry = Assert.Single(Entries(created));
        Assert.Equal(("kubectl-client-side-apply", ManagedFieldsOperation.Update, "v1"), (entry.Manager, entry.Operation, entry.ApiVersion));
        Assert.Equal(T0, entry.Time);
        Assert.Equal(CreatedPodFields, FieldsOf(created, "kubectl-client-side-apply"));
        var json = created["metadata"]!["managedFields"]!.ToJsonString();
        Assert.StartsWith("""[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2024-05-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{""", json);
    }
}
