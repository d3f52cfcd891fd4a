using Turnstile.Kube.Catalog;

namespace Turnstile.Kube.Tests.Discovery;

/// <summary>The real kubectl v1.32 reads the discovery and OpenAPI documents.</summary>
public class KubectlDocumentsTests
{
    [Fact]
    public async Task Api_resources_lists_the_eks_catalogue_and_a_crd_added_at_run_time()
    {
        var apis = ServedApis.ForEks();
        apis.AddOrReplace(TestCrds.Widget());
        await using var server = await DocumentServer.StartAsync(() => apis.Current);
        var (code, stdout, stderr) = await server.KubectlAsync("api-resources");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND", lines[0]);
        Assert.Contains("bindings                                         v1                                true         Binding", lines);
        Assert.Contains("widgets                             wd           example.com/v1                    true         Widget", lines);
        Assert.Contains("nodes                                            metrics.k8s.io/v1beta1            false        NodeMetrics", lines);
        Assert.Equal(67, lines.Length); // header + 65 EKS resources + the CRD
        // aggregated discovery only: no per-group-version requests
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET /apis/apps/v1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explain_reads_openapi_v3_for_built_in_kinds_and_crds()
    {
        var apis = ServedApis.ForEks();
        apis.AddOrReplace(TestCrds.Widget());
        await using var server = await DocumentServer.StartAsync(() => apis.Current);

        var (code, stdout, stderr) = await server.KubectlAsync("explain", "deployments.spec.strategy");
        Assert.True(code == 0, stderr);
        Assert.Contains("GROUP:      apps", stdout);
        Assert.Contains("KIND:       Deployment", stdout);
        Assert.Contains("FIELD: strategy <DeploymentStrategy>", stdout);
        Assert.Contains("rollingUpdate\t<RollingUpdateDeployment>", stdout);
        Assert.Contains(server.Requests, r => r.StartsWith("GET /openapi/v3/apis/apps/v1?hash=", StringComparison.Ordinal));

        (code, stdout, stderr) = await server.KubectlAsync("explain", "widgets.spec", "--api-version=example.com/v1");
        Assert.True(code == 0, stderr);
        Assert.Contains("KIND:       Widget", stdout);
        Assert.Contains("tags\t<[]string>", stdout);
    }

    [Fact]
    public async Task Explain_with_the_v2_output_reads_the_protobuf_document()
    {
        await using var server = await DocumentServer.StartAsync(() => ServedApis.ForEks().Current);
        var (code, stdout, stderr) = await server.KubectlAsync("explain", "pods.spec.containers.ports", "--output=plaintext-openapiv2");
        Assert.True(code == 0, stderr);
        Assert.Contains("KIND:     Pod", stdout);
        Assert.Contains("RESOURCE: ports <[]Object>", stdout);
        Assert.Contains("containerPort\t<integer> -required-", stdout);
        Assert.True(server.Requests.Any(r => r.StartsWith("GET /openapi/v2?", StringComparison.Ordinal) && r.EndsWith(" " + Turnstile.Kube.OpenApi.OpenApiDocuments.V2ProtobufAccept, StringComparison.Ordinal)), string.Join("\n", server.Requests));
    }
}
