using Turnstile.Core.Arns;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;

namespace Turnstile.Core.Analysis.Assertions;

/// <summary>The outcome of one assertion: what was asked, what was expected, what the engine answered and why.</summary>
public sealed record AssertionResult(string Name, string Principal, string Request, Expectation Expected, Expectation? Actual, bool Passed, string Detail, IReadOnlyList<string> Warnings);

/// <summary>Checks assertions against one cluster, each through the same engine as can-i.</summary>
public static class AssertionRunner
{
    public static IReadOnlyList<AssertionResult> Run(ClusterAnalysis analysis, IReadOnlyList<AccessAssertion> assertions)
    {
        var resolver = new ResourceResolver(analysis.Model.ApiResources);
        return assertions.Select(a => Check(analysis, resolver, a)).ToArray();
    }

    private static AssertionResult Check(ClusterAnalysis analysis, ResourceResolver resolver, AccessAssertion assertion)
    {
        var warnings = new List<string>();
        RequestAttributes request;
        if (assertion.Path is { } path) request = RequestAttributes.ForPath(assertion.Verb, path);
        else
        {
            var resolution = resolver.ResolveForCanI(assertion.Resource!);
            warnings.AddRange(resolution.Warnings.Select(w => w.TrimEnd('\n')));
            var namespaced = resolver.IsNamespaced(resolution.Resource) ?? true;
            var ns = assertion.AllNamespaces ? "" : assertion.Namespace ?? (namespaced ? "default" : "");
            request = RequestAttributes.ForResource(assertion.Verb, resolution.Resource.Group, resolution.Resource.Resource, ns, assertion.ObjectName, assertion.Subresource);
        }
        var described = Describe(request);
        var name = assertion.Name ?? $"{assertion.Principal} {assertion.Expect.ToString().ToLowerInvariant()} to {described}";

        PrincipalView view;
        try
        {
            view = analysis.ForArn(assertion.Principal, assertion.SessionName);
        }
        catch (ArnException e)
        {
            return new AssertionResult(name, assertion.Principal, described, assertion.Expect, null, false, $"line {assertion.Line}: principal: {e.Message}", warnings);
        }
        Expectation actual;
        string detail;
        if (view.User is null)
        {
            actual = Expectation.Unauthenticated;
            detail = "401: " + view.Mapping.Error;
        }
        else
        {
            var result = analysis.Authorize(view, request);
            actual = result.Allowed ? Expectation.Allowed : Expectation.Denied;
            detail = result.Allowed
                ? $"allowed by {GrantPath.From(result)} (mapped by {view.MappedBy}, user {view.User.Username})"
                : $"403: {ForbiddenMessage.Message(request, view.User.Username, result.Reason)} (mapped by {view.MappedBy})";
        }
        return new AssertionResult(name, assertion.Principal, described, assertion.Expect, actual, actual == assertion.Expect, detail, warnings);
    }

    private static string Describe(RequestAttributes r)
    {
        if (!r.IsResourceRequest) return $"{r.Verb} {r.Path}";
        var target = (r.ApiGroup.Length > 0 ? $"{r.Resource}.{r.ApiGroup}" : r.Resource) + (r.Subresource.Length > 0 ? "/" + r.Subresource : "");
        var name = r.Name.Length > 0 ? $" {r.Name}" : "";
        return $"{r.Verb} {target}{name} " + (r.Namespace.Length > 0 ? $"in namespace {r.Namespace}" : "at the cluster scope");
    }
}
