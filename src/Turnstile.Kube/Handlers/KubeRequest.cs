using System.Text;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;

namespace Turnstile.Kube.Handlers;

/// <summary>
/// One resource request after routing: which cluster, verb, resource (as the API catalogue serves it), namespace,
/// name and subresource, with the query, the negotiation headers and the body. Authentication, impersonation and
/// authorization have already happened (they are the host's filters).
/// </summary>
public sealed record KubeRequest
{
    public required string Cluster { get; init; }

    /// <summary>kube's RequestInfo verb: get, list, watch, create, update, patch, delete, deletecollection.</summary>
    public required string Verb { get; init; }

    public required ApiResource Resource { get; init; }

    public string Namespace { get; init; } = "";

    public string Name { get; init; } = "";

    public string Subresource { get; init; } = "";

    public GoUrlQuery Query { get; init; } = GoUrlQuery.Empty;

    public string? Accept { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The request body, read up to the size limit (3 MiB) by the handler.</summary>
    public Stream? Body { get; init; }

    /// <summary>Names the field manager when the request does not (kube takes the User-Agent's product).</summary>
    public string UserAgent { get; init; } = "";

    public KubeUser? User { get; init; }

    /// <summary>The access policies of the caller's own access entry (empty when none or when impersonating).</summary>
    public IReadOnlyList<AssociatedAccessPolicy> AccessPolicies { get; init; } = [];

    /// <summary>The host's check that the user may also <c>create</c> (an update or apply of a missing object creates it); null allows.</summary>
    public Func<CancellationToken, ValueTask<KubeStatus?>>? AuthorizeCreate { get; init; }
}

/// <summary>
/// The answer to a request: status code, Content-Type and Warning headers, and either a body or - for a watch - a
/// writer that streams events until the client goes away or the watch times out. The host writes it to HTTP as is
/// (chunked for a stream) and sends <c>Retry-After</c> when <see cref="RetryAfterSeconds"/> is set.
/// </summary>
public sealed class KubeResponse
{
    public required int StatusCode { get; init; }

    public string ContentType { get; init; } = "application/json";

    public byte[] Body { get; init; } = [];

    /// <summary>For watches: writes the event stream to the response body, flushing after each event.</summary>
    public Func<Stream, CancellationToken, Task>? Stream { get; init; }

    /// <summary>Warning header values, already in <c>299 - "text"</c> form.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int RetryAfterSeconds { get; init; }

    public string BodyText => Encoding.UTF8.GetString(Body);
}
