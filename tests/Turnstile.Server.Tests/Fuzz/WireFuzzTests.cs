using System.Text;
using CsCheck;
using Turnstile.Aws;
using Turnstile.Hosting;
using Turnstile.State;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Fuzzing;
using Turnstile.Server.Model;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.Server.Tests.Eks;

namespace Turnstile.Server.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing of the AWS endpoint (issue 6): malformed bodies, parameters, paths and headers sent to the
/// real IAM, STS and EKS services through the request pipeline in-process (no sockets: thousands of requests in
/// seconds) never get a 5xx. Most requests are signed correctly, so they reach decoding, validation and the services.
/// </summary>
public class WireFuzzTests
{
    private const string Host = "127.0.0.1:4566";

    private static readonly AwsRequestPipeline Pipeline =
        new(EmulatorRuntime.StartAsync(new InMemoryStore(), new EmulatorOptions()).GetAwaiter().GetResult().HostOptions());

    private static readonly ServiceModel Eks = ServiceModel.Load("eks");
    private static readonly ServiceModel Iam = ServiceModel.Load("iam");
    private static readonly ServiceModel Sts = ServiceModel.Load("sts");

    /// <summary>A request as generated, before signing, and how it is to be signed.</summary>
    public sealed record Sample(string Method, string Path, string Query, byte[] Body, string Service, string? ContentType, bool Sign, HttpHeader[] Extra)
    {
        public override string ToString() =>
            $"{Method} {Path}?{Query} [{Service}{(Sign ? ", signed" : "")}] {string.Join(" ", Extra.Select(h => $"{h.Name}: {h.Value}"))}\n{Encoding.UTF8.GetString(Body)}";
    }

    private static void AssertNoServerError(Sample sample)
    {
        var response = Pipeline.ProcessAsync(ToRequest(sample)).GetAwaiter().GetResult();
        Assert.True(response.StatusCode < 500, $"{response.StatusCode} {response.BodyText}");
    }

    private static IncomingRequest ToRequest(Sample s)
    {
        var headers = new List<HttpHeader> { new("Host", Host) };
        if (s.ContentType is not null) headers.Add(new HttpHeader("Content-Type", s.ContentType));
        if (s.Sign)
        {
            var request = new SigV4HttpRequest { Method = s.Method, RawPath = s.Path, RawQuery = s.Query, Headers = headers, Body = s.Body };
            var credentials = new AwsCredentials(RealServicesHost.Admin.AccessKeyId, RealServicesHost.Admin.SecretAccessKey);
            headers = SigV4Signer.Sign(request, credentials, EksCliFixture.DefaultRegion, s.Service, DateTimeOffset.UtcNow).SignedRequest.Headers.ToList();
        }
        headers.AddRange(s.Extra);
        return new IncomingRequest { Method = s.Method, RawPath = s.Path, RawQuery = s.Query, Headers = headers, Body = s.Body };
    }

    // ------------------------------------------------------------ vocabularies from the models

    private static string[] WireNames(ServiceModel model)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Shape>();
        void Walk(Shape? shape)
        {
            if (shape is null || !seen.Add(shape)) return;
            foreach (var member in shape.Members)
            {
                names.Add(member.WireName);
                Walk(member.Shape);
            }
            Walk(shape.Member?.Shape);
            Walk(shape.Value?.Shape);
        }
        foreach (var op in model.Operations.Values) Walk(op.Input);
        return names.Order(StringComparer.Ordinal).ToArray();
    }

    private static readonly string[] Values =
    [
        .. MalformedText.Arns, "c1", "my-cluster", "API", "API_AND_CONFIG_MAP", "CONFIG_MAP", "STANDARD", "EC2_LINUX", "BOGUS", "cluster",
        "namespace", "default", "kube-system", "system:masters", "ops", "{{SessionName}}", "subnet-1", "1.32", "admin", "/", "/a/b/",
        "2012-10-17", "Allow", "*", "eks:*", "AKIAIOSFODNN7EXAMPLE", "bad name!", new string('a', 300),
    ];

    private static readonly Gen<string> Value = Gen.Frequency((5, Gen.OneOf(Values)), (2, MalformedText.Snippet), (1, Gen.String[0, 20]));

    private static readonly Gen<string> PolicyDocument = Gen.Frequency(
        (1, MalformedText.Mutated(["""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:*","Resource":"*"}]}""",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"""])),
        (1, MalformedText.Json(["Version", "Statement", "Effect", "Action", "Resource", "Principal", "AWS", "Condition", "StringEquals"], Values, 4)));

    // ------------------------------------------------------------ rest-json (EKS)

    private static readonly OperationModel[] EksOperations = Eks.Operations.Values.OrderBy(o => o.Name, StringComparer.Ordinal).ToArray();
    private static readonly string[] EksNames = WireNames(Eks);

    private static readonly Gen<string> Label = Gen.Frequency(
        (4, Gen.OneOf(Values).Select(Uri.EscapeDataString)),
        (2, MalformedText.Snippet.Select(s => Uri.EscapeDataString(s))),
        (1, Gen.OneOf("%", "%ZZ", "%FF%FE", "%ED%A0%80", "a%2", "..", "%2e%2e", "")));

    private static Gen<string> PathFor(OperationModel op)
    {
        var template = op.RequestUri.Split('?')[0];
        var labels = template.Split('/').Count(p => p.StartsWith('{'));
        return Label.Array[labels].Select(values =>
        {
            var i = 0;
            return string.Join('/', template.Split('/').Select(p => p.StartsWith('{') ? values[i++] : p));
        });
    }

    private static readonly Gen<byte[]> JsonBody = Gen.Frequency(
        (5, MalformedText.Json(EksNames, Values).Select(Encoding.UTF8.GetBytes)),
        (2, MalformedText.Mutated(["""{"name":"fz","roleArn":"arn:aws:iam::111122223333:role/eks","resourcesVpcConfig":{"subnetIds":["subnet-1"]}}""",
            """{"principalArn":"arn:aws:iam::111122223333:user/admin","kubernetesGroups":["ops"],"type":"STANDARD","tags":{"a":"b"}}""",
            """{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"namespace","namespaces":["a"]}}""",
            """{"accessConfig":{"authenticationMode":"API"}}"""]).Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.Select(MalformedText.Json(EksNames, Values, 2), Gen.Byte.Array[1, 4], Gen.Int[0, 1000],
            (json, bad, at) => InsertBytes(Encoding.UTF8.GetBytes(json), bad, at))));

    private static byte[] InsertBytes(byte[] text, byte[] bytes, int at)
    {
        var i = at % (text.Length + 1);
        return [.. text[..i], .. bytes, .. text[i..]];
    }

    private static readonly Gen<Sample> EksRequests =
        from op in Gen.OneOf(EksOperations)
        from path in PathFor(op)
        from method in Gen.Frequency((9, Gen.Const(op.HttpMethod)), (1, Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH")))
        from query in Gen.Select(Gen.OneOf(EksNames), Label, (k, v) => $"{k}={v}").Array[0, 3].Select(q => string.Join('&', q))
        from body in JsonBody
        from contentType in Gen.OneOf<string?>("application/json", "application/x-amz-json-1.1", null, "text/plain")
        select new Sample(method, path, query, body, "eks", contentType, true, []);

    [Fact]
    public void Rest_json_never_answers_5xx()
    {
        FuzzBudget.Run(EksRequests, AssertNoServerError, cases: 3000);
    }

    // ------------------------------------------------------------ query (IAM, STS)

    private static Gen<Sample> QueryRequests(ServiceModel model, string service)
    {
        var names = WireNames(model);
        var parameterName = Gen.Frequency(
            (4, Gen.OneOf(names)),
            (1, Gen.Select(Gen.OneOf(names), Gen.Int[0, 3], Gen.OneOf("member", "entry"), (n, i, kind) => $"{n}.{kind}.{i}")),
            (1, Gen.Select(Gen.OneOf(names), Gen.Int[0, 3], Gen.OneOf("key", "value", "Key", "Value"), (n, i, part) => $"{n}.member.{i}.{part}")));
        var value = Gen.Frequency((3, Value.Select(Uri.EscapeDataString)), (1, PolicyDocument.Select(Uri.EscapeDataString)),
            (1, Gen.OneOf("%ZZ", "%", "%FF", "%C3", "%ED%A0%80", "a+b", "")));
        var parameter = Gen.Select(parameterName, value, (n, v) => $"{Uri.EscapeDataString(n)}={v}");
        return
            from action in Gen.Frequency((9, Gen.OneOf(model.Operations.Keys.Order(StringComparer.Ordinal).ToArray())), (1, Gen.OneOf("", "Nope", "listusers")))
            from version in Gen.Frequency((9, Gen.Const(model.ApiVersion)), (1, Gen.OneOf("", "2099-01-01")))
            from parameters in parameter.Array[0, 8]
            from json in Gen.Bool
            select new Sample("POST", "/", "", Encoding.UTF8.GetBytes(string.Join('&', [$"Action={action}", $"Version={version}", .. parameters])),
                service, "application/x-www-form-urlencoded; charset=utf-8", true, json ? [new HttpHeader("Accept", "application/json")] : []);
    }

    [Fact]
    public void Query_protocol_never_answers_5xx()
    {
        FuzzBudget.Run(Gen.OneOf(QueryRequests(Iam, "iam"), QueryRequests(Sts, "sts")), AssertNoServerError, cases: 3000);
    }

    // ------------------------------------------------------------ headers and authentication

    private static readonly Gen<HttpHeader> Headers = Gen.OneOf(
        Gen.Select(Gen.OneOf("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", "", "Bearer"), MalformedText.Mutated(
            ["Credential=AKIAIOSFODNN7EXAMPLE/20260101/ap-northeast-2/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"]),
            (algorithm, rest) => new HttpHeader("Authorization", $"{algorithm} {rest}")),
        MalformedText.Mutated(["20260101T000000Z"]).Select(v => new HttpHeader("X-Amz-Date", v)),
        MalformedText.Snippet.Select(v => new HttpHeader("X-Amz-Security-Token", v)),
        MalformedText.Snippet.Select(v => new HttpHeader("X-Amz-Content-Sha256", v)),
        Gen.OneOf("application/json", "text/xml", "", "application/x-www-form-urlencoded; charset=latin1").Select(v => new HttpHeader("Content-Type", v)),
        Gen.OneOf("application/json", "*/*", "").Select(v => new HttpHeader("Accept", v)));

    private static readonly Gen<string> PresignedQuery = MalformedText.Mutated(
    [
        "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
        "Action=ListUsers&Version=2010-05-08",
    ]);

    private static readonly Gen<Sample> HeaderRequests =
        from method in Gen.OneOf("GET", "POST", "DELETE")
        from path in Gen.OneOf("/", "/clusters", "/clusters/c1/access-entries", "/%ZZ", "/clusters/%2F")
        from query in Gen.Frequency((1, PresignedQuery), (1, Gen.Const("")))
        from service in Gen.OneOf("iam", "sts", "eks", "s3")
        from sign in Gen.Bool
        from extra in Headers.Array[0, 4]
        from body in Gen.OneOf(Array.Empty<byte>(), "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(), "{}"u8.ToArray())
        select new Sample(method, path, query, body, service, null, sign, extra);

    [Fact]
    public void Malformed_headers_and_signatures_never_answer_5xx()
    {
        FuzzBudget.Run(HeaderRequests, AssertNoServerError, cases: 2000);
    }
}
