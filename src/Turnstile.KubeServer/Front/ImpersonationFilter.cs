using Microsoft.AspNetCore.Http;
using Turnstile.Core.Authn;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;

namespace Turnstile.KubeServer.Front;

/// <summary>
/// kube-apiserver's impersonation filter: <c>Impersonate-User</c>, <c>-Group</c>, <c>-Uid</c> and
/// <c>Impersonate-Extra-&lt;key&gt;</c> each need the <c>impersonate</c> verb on what they name (users or
/// serviceaccounts, groups, uids, userextras), checked for the real caller; the first refusal is kube's 403. The
/// request then runs as the impersonated user, without the caller's EKS access policies.
/// </summary>
public sealed class ImpersonationFilter
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";

    private const string ServiceAccountPrefix = "system:serviceaccount:";
    private const string AuthenticationGroup = "authentication.k8s.io";

    public FrontDelegate Wrap(FrontDelegate next) => async request =>
    {
        var headers = request.Http.Request.Headers;
        var userName = headers[UserHeader].ToString();
        var groups = Values(headers, GroupHeader);
        var uid = headers[UidHeader].ToString();
        var extra = Extra(headers);
        if (userName.Length == 0 && groups.Count == 0 && uid.Length == 0 && extra.Count == 0)
        {
            await next(request).ConfigureAwait(false);
            return;
        }
        if (userName.Length == 0)
        {
            // kube answers this with a 500 (an internal error); it is the client's mistake, so a 400 here.
            await StatusWriter.WriteAsync(request.Http,
                KubeStatus.BadRequest("requested impersonation of groups, uid or extra without impersonating a user")).ConfigureAwait(false);
            return;
        }

        foreach (var check in Checks(userName, groups, uid, extra))
        {
            var result = request.Engine.Authorizer.Authorize(request.User, request.AccessPolicies, check);
            if (result.Allowed) continue;
            await StatusWriter.WriteAsync(request.Http, KubeStatus.Forbidden(check, request.User.Username, result.Reason)).ConfigureAwait(false);
            return;
        }

        request.User = Impersonated(userName, groups, uid, extra);
        request.AccessPolicies = [];
        await next(request).ConfigureAwait(false);
    };

    private static IEnumerable<RequestAttributes> Checks(string userName, List<string> groups, string uid, Dictionary<string, IReadOnlyList<string>> extra)
    {
        if (ServiceAccount(userName) is ({ } ns, { } name))
            yield return RequestAttributes.ForResource("impersonate", "", "serviceaccounts", ns, name);
        else
            yield return RequestAttributes.ForResource("impersonate", "", "users", name: userName);
        foreach (var group in groups)
            yield return RequestAttributes.ForResource("impersonate", "", "groups", name: group);
        foreach (var (key, values) in extra)
            foreach (var value in values)
                yield return RequestAttributes.ForResource("impersonate", AuthenticationGroup, "userextras", name: value, subresource: key);
        if (uid.Length > 0)
            yield return RequestAttributes.ForResource("impersonate", AuthenticationGroup, "uids", name: uid);
    }

    // The identity kube builds: a service account without requested groups gets its groups; everyone but anonymous
    // gets system:authenticated unless it asked for it or system:unauthenticated; anonymous gets system:unauthenticated.
    private static KubeUser Impersonated(string userName, List<string> groups, string uid, Dictionary<string, IReadOnlyList<string>> extra)
    {
        var all = new List<string>(groups);
        if (groups.Count == 0 && ServiceAccount(userName) is ({ } ns, _))
            all.AddRange(["system:serviceaccounts", "system:serviceaccounts:" + ns]);
        if (userName == KubeUser.Anonymous)
        {
            if (!all.Contains(KubeUser.UnauthenticatedGroup)) all.Add(KubeUser.UnauthenticatedGroup);
        }
        else if (!all.Contains(KubeUser.AuthenticatedGroup) && !all.Contains(KubeUser.UnauthenticatedGroup))
        {
            all.Add(KubeUser.AuthenticatedGroup);
        }
        return new KubeUser(userName, uid, all, extra);
    }

    private static (string Namespace, string Name)? ServiceAccount(string userName)
    {
        if (!userName.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal)) return null;
        var parts = userName[ServiceAccountPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    private static List<string> Values(IHeaderDictionary headers, string name) =>
        headers[name].Where(v => v is not null).Select(v => v!).ToList();

    // Header names carry the extra key lower-cased and percent-encoded (kube unescapes it).
    private static Dictionary<string, IReadOnlyList<string>> Extra(IHeaderDictionary headers)
    {
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (!name.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var key = Uri.UnescapeDataString(name[ExtraHeaderPrefix.Length..].ToLowerInvariant());
            extra[key] = values.Where(v => v is not null).Select(v => v!).ToList();
        }
        return extra;
    }
}
