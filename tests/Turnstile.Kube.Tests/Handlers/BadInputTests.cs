namespace Turnstile.Kube.Tests.Handlers;

public sealed class BadInputTests
{
    [Theory]
    [InlineData("{\"metadata\":", "couldn't get version/kind; json parse error: unexpected end of JSON input ({\"metadata\":)")]
    [InlineData("{bad}", "couldn't get version/kind; json parse error: invalid character 'b' looking for beginning of object key string ({bad})")]
    [InlineData("{\"a\":1,}", "couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string ({\"a\":1,})")]
    [InlineData("{\"a\" 1}", "couldn't get version/kind; json parse error: invalid character '1' after object key ({\"a\" 1})")]
    [InlineData("{\"a\":tru}", "couldn't get version/kind; json parse error: invalid character '}' in literal true (expecting 'e') ({\"a\":tru})")]
    [InlineData("{} {}", "couldn't get version/kind; json parse error: invalid character '{' after top-level value ({} {})")]
    [InlineData("[1]", "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" } (5b315d)")]
    [InlineData("", "couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)")]
    public async Task Malformed_json_is_a_400_with_gos_decoder_text(string body, string error)
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("create", "configmaps", "default", body: body.Length == 0 ? " " : body);
        if (body.Length == 0) error = error.Replace("(<empty>)", "(20)");
        Assert.Equal("the object provided is unrecognized (must be of type ConfigMap): " + error, response.AssertCode(400).Message());
    }

    [Fact]
    public async Task The_error_body_is_kubes_Status_bytes()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("create", "configmaps", "default", body: "{bad}");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'b' looking for beginning of object key string ({bad})","reason":"BadRequest","code":400}""" + "\n",
            response.BodyText);
    }

    [Fact]
    public async Task Deep_nesting_is_refused_as_malformed()
    {
        await using var k = await KubeFixture.StartAsync();
        var body = "{\"metadata\":{\"name\":\"x\"},\"data\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var response = await k.SendAsync("create", "configmaps", "default", body: body);
        Assert.Contains("json parse error: invalid character '[' exceeded max depth", response.AssertCode(400).Message());
    }

    [Fact]
    public async Task Wrong_kind_or_version_or_types_are_decode_errors()
    {
        await using var k = await KubeFixture.StartAsync();
        var kind = await k.SendAsync("create", "pods", "default", body: """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}""");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a Pod: converting (v1.ConfigMap) to (core.Pod): unknown conversion", kind.AssertCode(400).Message());
        var version = await k.SendAsync("create", "deployments", "default", body: """{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"name":"x"}}""", group: "apps");
        Assert.Equal("the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)", version.AssertCode(400).Message());
        var name = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":5}}""");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string",
            name.AssertCode(400).Message());
        var labels = await k.SendAsync("create", "configmaps", "default", body: """{"metadata":{"name":"x","labels":{"a":true}}}""");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
            labels.AssertCode(400).Message());
        var secret = await k.SendAsync("create", "secrets", "default", body: """{"metadata":{"name":"s"},"data":{"k":"not base64!"}}""");
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3", secret.AssertCode(400).Message());
    }

    [Fact]
    public async Task Bodies_over_3_MiB_are_413()
    {
        await using var k = await KubeFixture.StartAsync();
        var body = "{\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":\"" + new string('a', 3 * 1024 * 1024) + "\"}}";
        var response = await k.SendAsync("create", "configmaps", "default", body: body);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge","code":413}""" + "\n",
            response.AssertCode(413).BodyText);
    }

    [Fact]
    public async Task Unsupported_content_types_are_415_and_unsupported_accepts_406()
    {
        await using var k = await KubeFixture.StartAsync();
        var xml = await k.SendAsync("create", "configmaps", "default", body: "<x/>", contentType: "application/xml");
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
            xml.AssertCode(415).Message());
        var html = await k.SendAsync("list", "configmaps", "default", accept: "text/html");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"only the following media types are accepted: application/json, application/yaml","reason":"NotAcceptable","code":406}""" + "\n",
            html.AssertCode(406).BodyText);
    }

    [Theory]
    [InlineData("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")]
    [InlineData("application/vnd.kubernetes.protobuf,application/json")]
    [InlineData("application/json, */*")]
    [InlineData("*/*")]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")]
    public async Task Kubectl_and_client_accept_lists_are_never_406(string accept)
    {
        await using var k = await KubeFixture.StartAsync();
        (await k.SendAsync("list", "configmaps", "default", accept: accept)).AssertCode(200);
    }

    [Fact]
    public async Task Yaml_in_and_out()
    {
        await using var k = await KubeFixture.StartAsync();
        var created = await k.SendAsync("create", "configmaps", "default", body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml\ndata:\n  enabled: \"yes\"\n  n: \"1\"\n",
            contentType: "application/yaml", accept: "application/yaml");
        Assert.Equal("application/yaml", created.AssertCode(201).ContentType);
        Assert.Equal("""
            apiVersion: v1
            data:
              enabled: "yes"
              "n": "1"
            kind: ConfigMap
            metadata:
              creationTimestamp: "2026-12-02T13:00:00Z"
              name: yml
              namespace: default
              resourceVersion: "2"
              uid: 00000000-0000-4000-8000-000000000002

            """, created.BodyText);
        // YAML 1.1 reads an unquoted y as a boolean, as go-yaml v2 does.
        var boolean = await k.SendAsync("create", "configmaps", "default", body: "metadata:\n  name: y\n", contentType: "application/yaml");
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string",
            boolean.AssertCode(400).Message());
        var broken = await k.SendAsync("create", "configmaps", "default", body: "metadata:\n  name: [x\n", contentType: "application/yaml");
        Assert.StartsWith("the object provided is unrecognized (must be of type ConfigMap): error converting YAML to JSON: yaml: line ", broken.AssertCode(400).Message());
        var notFound = await k.SendAsync("get", "configmaps", "default", "nope", accept: "application/yaml");
        Assert.Equal("application/yaml", notFound.AssertCode(404).ContentType);
        Assert.Contains("reason: NotFound", notFound.BodyText);
    }

    [Fact]
    public async Task Bad_list_options_are_400_or_422_with_kubes_texts()
    {
        await using var k = await KubeFixture.StartAsync();
        var label = await k.SendAsync("list", "pods", "default", query: "labelSelector=a%3D%3D%3Db");
        Assert.Equal("unable to parse requirement: found '=', expected: identifier", label.AssertCode(400).Message());
        var key = await k.SendAsync("list", "pods", "default", query: "labelSelector=a_%3Db");
        Assert.Equal("unable to parse requirement: <nil>: Invalid value: \"a_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            key.AssertCode(400).Message());
        var field = await k.SendAsync("list", "pods", "default", query: "fieldSelector=spec.foo%3Dx");
        Assert.Equal("field label not supported: spec.foo", field.AssertCode(400).Message());
        var configField = await k.SendAsync("list", "configmaps", "default", query: "fieldSelector=data.x%3Dy");
        Assert.Equal("\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", configField.AssertCode(400).Message());
        var syntax = await k.SendAsync("list", "pods", "default", query: "fieldSelector=foo");
        Assert.Equal("invalid selector: 'foo'; can't understand 'foo'", syntax.AssertCode(400).Message());
        var limit = await k.SendAsync("list", "pods", "default", query: "limit=ten");
        Assert.Equal("strconv.ParseInt: parsing \"ten\": invalid syntax", limit.AssertCode(400).Message());
        var match = await k.SendAsync("list", "pods", "default", query: "resourceVersionMatch=Exact");
        Assert.Equal("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
            match.AssertCode(422).Message());
        var rv = await k.SendAsync("list", "pods", "default", query: "resourceVersion=abc");
        Assert.Equal("invalid resource version: resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax", rv.AssertCode(400).Message());
        var token = await k.SendAsync("list", "pods", "default", query: "continue=%21%21");
        Assert.StartsWith("invalid continue token: continue key is not valid: ", token.AssertCode(400).Message());
        var watchMatch = await k.SendAsync("watch", "pods", "default", query: "resourceVersion=5&resourceVersionMatch=Exact");
        Assert.Equal("ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]",
            watchMatch.AssertCode(422).Message());
    }

    [Fact]
    public async Task Verbs_a_resource_does_not_serve_are_405()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("create", "nodes", body: "{}", group: "metrics.k8s.io");
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","details":{},"code":405}""" + "\n",
            response.AssertCode(405).BodyText);
    }
}

public sealed class NestingTests
{
    [Fact]
    public async Task Deep_yaml_nesting_is_refused_before_parsing()
    {
        await using var k = await KubeFixture.StartAsync();
        var body = "metadata:\n  name: x\ndata: " + new string('[', 200_000) + new string(']', 200_000) + "\n";
        var response = await k.SendAsync("create", "configmaps", "default", body: body, contentType: "application/yaml");
        Assert.StartsWith("the object provided is unrecognized (must be of type ConfigMap): error converting YAML to JSON: yaml: exceeded max depth of 1000 (",
            response.AssertCode(400).Message());
    }

    [Fact]
    public async Task A_list_url_with_watch_1_streams()
    {
        await using var k = await KubeFixture.StartAsync();
        var response = await k.SendAsync("list", "configmaps", "default", query: "watch=1&resourceVersion=1&timeoutSeconds=1");
        Assert.NotNull(response.AssertCode(200).Stream);
        Assert.Empty(await response.StreamLinesAsync());
    }
}
