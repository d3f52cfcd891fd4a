using Microsoft.AspNetCore.Http;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Kube.Catalog;
using Turnstile.State;

namespace Turnstile.KubeServer.Front;

/// <summary>One request as it passes the filters: each stage fills in what it learned.</summary>
public sealed class FrontRequest(HttpContext http)
{
    public HttpContext Http { get; } = http;

    /// <summary>The cluster named by the <c>/clusters/&lt;name&gt;</c> prefix.</summary>
    public string Cluster { get; set; } = "";

    /// <summary>The path after the cluster prefix (<c>/api/v1/pods</c>), percent-decoded.</summary>
    public string Path { get; set; } = "/";

    /// <summary>The state view the request reads the cluster, its access and its catalogue from.</summary>
    public IStateView View { get; set; } = null!;

    public AccessEngine Engine { get; set; } = null!;

    public ApiSnapshot Apis { get; set; } = null!;

    public RequestInfo Info { get; set; } = null!;

    public KubeUser User { get; set; } = null!;

    /// <summary>The caller's own access entry policies; empty for anonymous and impersonated requests.</summary>
    public IReadOnlyList<AssociatedAccessPolicy> AccessPolicies { get; set; } = [];

    public RequestAttributes Attributes => Info.Attributes;
}

/// <summary>A stage of the filter chain, or the final handler.</summary>
public delegate Task FrontDelegate(FrontRequest request);
