using Turnstile.Core.Authz;

namespace Turnstile.Core.Tests.Authz;

public class RequestInfoParserTests
{
    private static RequestInfo Parse(string method, string url)
    {
        var q = url.IndexOf('?');
        return q < 0 ? RequestInfoParser.Parse(method, url) : RequestInfoParser.Parse(method, url[..q], url[(q + 1)..]);
    }

    // Resource requests: method, URL, verb, namespace, group, version, resource, subresource, name, parts.
    [Theory]
    [InlineData("GET", "/api/v1/namespaces", "list", "", "", "v1", "namespaces", "", "", "namespaces")]
    [InlineData("GET", "/api/v1/namespaces/other", "get", "other", "", "v1", "namespaces", "", "other", "namespaces/other")]
    [InlineData("GET", "/api/v1/namespaces/other/pods", "list", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo", "get", "other", "", "v1", "pods", "", "foo", "pods/foo")]
    [InlineData("HEAD", "/api/v1/namespaces/other/pods/foo", "get", "other", "", "v1", "pods", "", "foo", "pods/foo")]
    [InlineData("GET", "/api/v1/pods", "list", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("HEAD", "/api/v1/pods", "list", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "other", "", "v1", "pods", "", "foo", "pods/foo")]
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "other", "", "v1", "pods", "", "foo", "pods/foo/subpath/not/a/subresource")]
    [InlineData("POST", "/api/v1/proxy/nodes/n1/stats", "proxy", "", "", "v1", "nodes", "", "n1", "nodes/n1/stats")]
    [InlineData("GET", "/api/v1/watch/pods", "watch", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/pods?watch=true", "watch", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/pods?watch=false", "list", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/default/pods?watch=true", "watch", "default", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/watch/namespaces/other/pods", "watch", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=0", "list", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/status", "get", "other", "", "v1", "pods", "status", "foo", "pods/foo/status")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "other", "", "v1", "pods", "proxy", "foo", "pods/foo/proxy/subpath")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/log", "get", "other", "", "v1", "pods", "log", "foo", "pods/foo/log")]
    [InlineData("POST", "/api/v1/namespaces/other/pods/foo/exec", "create", "other", "", "v1", "pods", "exec", "foo", "pods/foo/exec")]
    [InlineData("PUT", "/api/v1/namespaces/other/finalize", "update", "other", "", "v1", "namespaces", "finalize", "other", "namespaces/other/finalize")]
    [InlineData("PUT", "/api/v1/namespaces/other/status", "update", "other", "", "v1", "namespaces", "status", "other", "namespaces/other/status")]
    [InlineData("PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "other", "", "v1", "pods", "", "foo", "pods/foo")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "other", "", "v1", "pods", "", "foo", "pods/foo")]
    [InlineData("POST", "/api/v1/namespaces/other/pods", "create", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("DELETE", "/api/v1/nodes", "deletecollection", "", "", "v1", "nodes", "", "", "nodes")]
    [InlineData("DELETE", "/api/v1/namespaces", "deletecollection", "", "", "v1", "namespaces", "", "", "namespaces")]
    [InlineData("DELETE", "/api/v1/namespaces/other", "delete", "other", "", "v1", "namespaces", "", "other", "namespaces/other")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "other", "", "v1", "pods", "", "", "pods")]
    [InlineData("DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "other", "extensions", "v1", "pods", "", "", "pods")]
    [InlineData("POST", "/apis/extensions/v1/namespaces/other/pods", "create", "other", "extensions", "v1", "pods", "", "", "pods")]
    [InlineData("POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "other", "extensions", "v1beta3", "pods", "", "", "pods")]
    [InlineData("GET", "/apis/batch/v1/job/foo/scale", "get", "", "batch", "v1", "job", "scale", "foo", "job/foo/scale")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale", "update", "ns", "apps", "v1", "deployments", "scale", "web", "deployments/web/scale")]
    [InlineData("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "create", "", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "", "", "clusterrolebindings")]
    [InlineData("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "create", "", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "", "", "selfsubjectaccessreviews")]
    [InlineData("OPTIONS", "/api/v1/pods", "", "", "", "v1", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/ns/watch", "list", "ns", "", "v1", "watch", "", "", "watch")]
    [InlineData("GET", "//api//v1/pods/", "get", "", "", "", "v1", "", "pods", "v1/pods")]
    public void Resource_requests(string method, string url, string verb, string ns, string group, string version, string resource, string sub, string name, string parts)
    {
        var info = Parse(method, url);
        Assert.Null(info.Error);
        var a = info.Attributes;
        Assert.True(a.IsResourceRequest);
        Assert.Equal(
            (verb, ns, group, version, resource, sub, name),
            (a.Verb, a.Namespace, a.ApiGroup, a.ApiVersion, a.Resource, a.Subresource, a.Name));
        Assert.Equal(parts.Split('/'), info.Parts);
        Assert.Equal(url.Split('?')[0], a.Path);
    }

    [Theory]
    [InlineData("GET", "/apis/extensions/v1beta1", "get")]
    [InlineData("GET", "/apis/extensions/v1beta1/", "get")]
    [InlineData("GET", "/api/version", "get")]
    [InlineData("GET", "/api/version/", "get")]
    [InlineData("GET", "/apis/group/version/", "get")]
    [InlineData("GET", "/api", "get")]
    [InlineData("GET", "/apis", "get")]
    [InlineData("GET", "/api/v1", "get")]
    [InlineData("GET", "/apis/apps/v1", "get")]
    [InlineData("GET", "/apis/apps", "get")]
    [InlineData("GET", "/", "get")]
    [InlineData("GET", "", "get")]
    [InlineData("GET", "/not-api/version/resource", "get")]
    [InlineData("GET", "/badprefix/version/resource", "get")]
    [InlineData("GET", "/apis/version/resource", "get")]
    [InlineData("GET", "/healthz", "get")]
    [InlineData("HEAD", "/version", "head")]
    [InlineData("POST", "/logs", "post")]
    [InlineData("GET", "/openapi/v3/apis/apps/v1", "get")]
    public void Non_resource_requests_keep_the_path_and_lower_case_method(string method, string url, string verb)
    {
        var info = Parse(method, url);
        Assert.False(info.Attributes.IsResourceRequest);
        Assert.Equal(verb, info.Attributes.Verb);
        Assert.Equal(url, info.Attributes.Path);
        Assert.Equal("", info.ApiPrefix);
        Assert.Null(info.Error);
    }

    [Theory]
    [InlineData("/api/v1/watch")]
    [InlineData("/api/v1/proxy")]
    [InlineData("/apis/apps/v1/watch/")]
    public void Bare_special_verbs_are_an_error(string path)
    {
        var info = RequestInfoParser.Parse("GET", path, "x=1");
        Assert.Equal($"unable to determine kind and namespace from url, {path}?x=1", info.Error);
        Assert.True(info.Attributes.IsResourceRequest);
    }

    [Theory]
    [InlineData("watch", "watch")]
    [InlineData("watch=", "watch")]
    [InlineData("watch=yes", "watch")]
    [InlineData("watch=FALSE", "list")]
    [InlineData("watch=False", "list")]
    [InlineData("watch=0", "list")]
    [InlineData("watch=false&watch=true", "list")]
    [InlineData("watch=true&watch=false", "watch")]
    [InlineData("watch=true&limit=abc", "watch")]
    [InlineData("watch=false&limit=abc", "list")]
    [InlineData("limit=500", "list")]
    [InlineData("resourceVersion=123&watch=true&allowWatchBookmarks=true", "watch")]
    [InlineData("watch=true;x=1", "list")]
    [InlineData("watch=%zz", "list")]
    public void Get_without_name_is_list_or_watch(string query, string verb)
    {
        Assert.Equal(verb, RequestInfoParser.Parse("GET", "/api/v1/namespaces/ns/pods", query).Attributes.Verb);
    }

    // fieldSelector=metadata.name=<n> turns a collection GET into a named list/watch, unless any list option is malformed.
    [Theory]
    [InlineData("fieldSelector=metadata.name=name1", "list", "name1")]
    [InlineData("fieldSelector=metadata.name%3Dfoo&watch=true&resourceVersion=1", "watch", "foo")]
    [InlineData("fieldSelector=metadata.name==foo", "list", "foo")]
    [InlineData("fieldSelector=metadata.name!=foo", "list", "")]
    [InlineData("fieldSelector=spec.nodeName=n1,metadata.name=foo", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=b,metadata.name=a", "list", "a")]
    [InlineData("fieldSelector=metadata.name=name1,foo", "list", "")]
    [InlineData("fieldSelector=metadata.name=name1,foo&watch=true", "watch", "")]
    [InlineData("fieldSelector=metadata.name=name1,foo&watch=false", "list", "")]
    [InlineData("fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=foo&limit=x", "list", "")]
    [InlineData("fieldSelector=metadata.name=foo&timeoutSeconds=1.5", "list", "")]
    [InlineData("fieldSelector=metadata.name=foo&limit=%2B5", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=foo&labelSelector=app%3Dweb", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=foo&labelSelector=app+in+(a,b),!legacy", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=foo&labelSelector=-bad", "list", "")]
    [InlineData("fieldSelector=metadata.name=foo&labelSelector=a%3D%3D", "list", "foo")]
    [InlineData("fieldSelector=metadata.name=a%2Fb", "list", "")]
    [InlineData("fieldSelector=metadata.name=..", "list", "")]
    [InlineData("fieldSelector=metadata.name=a%25b", "list", "")]
    [InlineData("fieldSelector=metadata.name=a\\,b", "list", "a,b")]
    [InlineData("fieldSelector=metadata.name=a=b", "list", "")]
    [InlineData("fieldSelector=metadata.name=", "list", "")]
    public void Field_selector_names_the_object(string query, string verb, string name)
    {
        var a = RequestInfoParser.Parse("GET", "/apis/group/version/resource", query).Attributes;
        Assert.Equal((verb, name), (a.Verb, a.Name));
    }

    [Theory]
    [InlineData("GET", "/apis/group/version/resource", "", "", "")]
    [InlineData("GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1", "metadata.name=name1", "")]
    [InlineData("GET", "/apis/group/version/resource", "watch=true&fieldSelector=metadata.name=name1", "metadata.name=name1", "")]
    [InlineData("GET", "/apis/group/version/resource", "fieldSelector=foo=bar&labelSelector=baz=qux", "foo=bar", "baz=qux")]
    [InlineData("GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1,foo", "metadata.name=name1,foo", "")]
    [InlineData("DELETE", "/apis/group/version/resource", "fieldSelector=foo=bar&labelSelector=baz=qux", "foo=bar", "baz=qux")]
    [InlineData("GET", "/apis/group/version/resource", "fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz", "metadata.name=foo", "foo=bar")]
    [InlineData("GET", "/apis/group/version/resource/name", "fieldSelector=foo=bar&labelSelector=foo=bar", "", "")]
    [InlineData("GET", "/apis/group/version/watch/resource", "fieldSelector=metadata.name=foo&labelSelector=foo=bar", "", "")]
    [InlineData("GET", "/apis/group/version/watch/resource/name", "fieldSelector=metadata.name=foo&labelSelector=foo=bar", "", "")]
    public void Selectors_are_recorded_for_collection_verbs_only(string method, string path, string query, string field, string label)
    {
        var info = RequestInfoParser.Parse(method, path, query);
        Assert.Equal((field, label), (info.FieldSelector, info.LabelSelector));
    }

    [Fact]
    public void Path_watch_forms_ignore_selectors_for_the_name()
    {
        var root = RequestInfoParser.Parse("GET", "/apis/group/version/watch/resource", "fieldSelector=metadata.name=foo").Attributes;
        Assert.Equal(("watch", ""), (root.Verb, root.Name));
        var item = RequestInfoParser.Parse("GET", "/apis/group/version/watch/resource/name", "fieldSelector=metadata.name=foo").Attributes;
        Assert.Equal(("watch", "name"), (item.Verb, item.Name));
    }

    [Fact]
    public void Leading_question_mark_is_accepted()
    {
        Assert.Equal("watch", RequestInfoParser.Parse("GET", "/api/v1/pods", "?watch=true").Attributes.Verb);
    }

    [Fact]
    public void Kubectl_request_shapes()
    {
        Assert.Equal(
            RequestAttributes.ForResource("list", "", "pods", "default", version: "v1") with { Path = "/api/v1/namespaces/default/pods" },
            RequestInfoParser.Parse("GET", "/api/v1/namespaces/default/pods", "limit=500").Attributes);
        Assert.Equal(
            RequestAttributes.ForResource("get", "", "configmaps", "kube-system", "aws-auth", version: "v1") with { Path = "/api/v1/namespaces/kube-system/configmaps/aws-auth" },
            RequestInfoParser.Parse("GET", "/api/v1/namespaces/kube-system/configmaps/aws-auth").Attributes);
        var watchOne = RequestInfoParser.Parse("GET", "/api/v1/namespaces/default/pods", "fieldSelector=metadata.name%3Dfoo&resourceVersion=5&watch=true").Attributes;
        Assert.Equal(("watch", "foo"), (watchOne.Verb, watchOne.Name));
    }
}
