using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;

namespace Turnstile.KubeServer.Tests;

/// <summary>A second real client, the official C# client (KubernetesClient), authenticated with an EKS token.</summary>
public sealed class KubernetesClientTests(FrontFixture front) : IClassFixture<FrontFixture>
{
    [Fact]
    public async Task The_official_client_lists_watches_creates_patches_and_deletes()
    {
        await front.CreateClusterAsync("csharp");
        var ca = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(front.CertificateAuthorityData)));
        using var client = new Kubernetes(new KubernetesClientConfiguration
        {
            Host = new Uri(front.KubeEndpoint, "/clusters/csharp").ToString(),
            AccessToken = front.Token("csharp"),
            SslCaCerts = new X509Certificate2Collection(ca),
        });

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
        Assert.Contains("team", (await client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name));

        var list = await client.CoreV1.ListNamespacedConfigMapAsync("team");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watched = Task.Run(async () =>
        {
            var response = client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("team", watch: true, resourceVersion: list.Metadata.ResourceVersion,
                cancellationToken: stop.Token);
            await foreach (var (type, item) in response.WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: stop.Token))
                return (type, item.Metadata.Name);
            return (WatchEventType.Error, "");
        });

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["color"] = "blue" } }, "team");
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal((WatchEventType.Added, "settings"), await watched);

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"color":"red"}}""", V1Patch.PatchType.MergePatch), "settings", "team");
        Assert.Equal("red", patched.Data["color"]);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("settings", "team");
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("team")).Items);

        var denied = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            new Kubernetes(new KubernetesClientConfiguration
            {
                Host = new Uri(front.KubeEndpoint, "/clusters/csharp").ToString(),
                AccessToken = "k8s-aws-v1.bm90LWEtdG9rZW4",
                SslCaCerts = new X509Certificate2Collection(ca),
            }).CoreV1.ListNamespaceAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, denied.Response.StatusCode);
    }
}
