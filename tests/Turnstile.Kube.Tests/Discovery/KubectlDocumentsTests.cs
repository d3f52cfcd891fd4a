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

/// <summary>The real kubectl prints the server-side tables.</summary>
public class KubectlTableTests
{
    private static System.Text.Json.Nodes.JsonObject Obj(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();

    private static string Ago(TimeSpan t) => (DateTimeOffset.UtcNow - t).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    [Fact]
    public async Task Get_prints_builtin_columns_wide_cells_and_namespaces()
    {
        var pods = new[]
        {
            Obj("""
                {"metadata":{"name":"web-1","namespace":"default","creationTimestamp":"T5M"},
                 "spec":{"nodeName":"ip-10-0-1-5.ec2.internal","containers":[{"name":"web"}]},
                 "status":{"phase":"Running","podIPs":[{"ip":"10.0.1.20"}],"containerStatuses":[{"name":"web","ready":true,"restartCount":0,"state":{"running":{}}}]}}
                """.Replace("T5M", Ago(TimeSpan.FromMinutes(5)))),
            Obj("""
                {"metadata":{"name":"job-x","namespace":"batch","creationTimestamp":"T3H"},
                 "spec":{"containers":[{"name":"c"}]},
                 "status":{"phase":"Succeeded","containerStatuses":[{"name":"c","ready":false,"restartCount":0,"state":{"terminated":{"reason":"Completed","exitCode":0}}}]}}
                """.Replace("T3H", Ago(TimeSpan.FromHours(3)))),
        };
        await using var server = await DocumentServer.StartAsync(() => ServedApis.ForEks().Current, new ServedList("/api/v1/pods", "", "pods", pods));
        var (code, stdout, stderr) = await server.KubectlAsync("get", "pods", "-A", "-o", "wide");
        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$", lines[0]);
        Assert.Matches(@"^default\s+web-1\s+1/1\s+Running\s+0\s+5m\d*s?\s+10\.0\.1\.20\s+ip-10-0-1-5\.ec2\.internal\s+<none>\s+<none>$", lines[1]);
        Assert.Matches(@"^batch\s+job-x\s+0/1\s+Completed\s+0\s+3h\s+<none>\s+<none>\s+<none>\s+<none>$", lines[2]);
    }

    [Fact]
    public async Task Get_prints_crd_printer_columns()
    {
        var apis = ServedApis.ForEks();
        apis.AddOrReplace(TestCrds.Widget());
        var widgets = new[]
        {
            Obj("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"default","creationTimestamp":"T3D"},"spec":{"size":4,"color":"blue"}}"""
                .Replace("T3D", Ago(TimeSpan.FromDays(3)))),
        };
        await using var server = await DocumentServer.StartAsync(() => apis.Current,
            new ServedList("/apis/example.com/v1/namespaces/default/widgets", "example.com", "widgets", widgets));
        var (code, stdout, stderr) = await server.KubectlAsync("get", "wd");
        Assert.True(code == 0, stderr);
        Assert.Equal(["NAME   SIZE   AGE", "w1     4      3d"], stdout.TrimEnd('\n').Split('\n'));
    }
}

/// <summary>kubectl's validation step takes the server-side path when OpenAPI v3 advertises fieldValidation.</summary>
public class KubectlValidationTests
{
    [Fact]
    public async Task Apply_and_create_find_field_validation_in_openapi_v3_and_never_fetch_v2()
    {
        await using var server = await DocumentServer.StartAsync(() => ServedApis.ForEks().Current);
        var manifest = Path.Combine(Path.GetTempPath(), $"turnstile-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx
                    imagePullPolice: Always
            """);
        try
        {
            // the typo is left for the server to report: kubectl does no client-side schema check here
            var (code, stdout, stderr) = await server.KubectlAsync("apply", "-f", manifest, "--dry-run=client");
            Assert.True(code == 0, stderr);
            Assert.Equal("deployment.apps/web created (dry run)\n", stdout);
            (code, stdout, stderr) = await server.KubectlAsync("create", "-f", manifest, "--dry-run=client", "-o", "name");
            Assert.True(code == 0, stderr);
            Assert.Equal("deployment.apps/web\n", stdout);
            Assert.Contains(server.Requests, r => r.StartsWith("GET /openapi/v3/apis/apps/v1?hash=", StringComparison.Ordinal));
            Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET /openapi/v2", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(manifest);
        }
    }
}
