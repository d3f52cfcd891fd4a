using System.Text;
using CsCheck;
using Turnstile.Core.Authn;
using Turnstile.Core.Authn.Token;
using Turnstile.Core.Authz;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Core.Clusters;
using Turnstile.Core.Iam.Policies;
using Turnstile.Core.Snapshots;
using Turnstile.Fuzzing;

namespace Turnstile.Core.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing of Core's parsers (issue 6): whatever the input, they answer with a result or their own
/// error, never an exception. CI runs a fixed number of cases; <see cref="FuzzBudget"/> says how to run longer.
/// </summary>
public class ParserFuzzTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly AwsCredentials Creds = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private const string Local = "http://127.0.0.1:4566";

    private static readonly RequestAttributes[] Requests =
    [
        RequestAttributes.ForResource("get", "", "pods", "default", "", ""),
        RequestAttributes.ForResource("list", "", "nodes", "", "", ""),
        RequestAttributes.ForResource("create", "apps", "deployments", "app", "", ""),
        RequestAttributes.ForPath("get", "/healthz"),
    ];

    private static readonly string[] Principals =
    [
        "arn:aws:iam::111122223333:role/bastion", "arn:aws:iam::111122223333:user/admin", "arn:aws:iam::111122223333:user/testuser",
        "arn:aws:iam::111122223333:role/eksctl-myeks-nodegroup-ng1-NodeInstanceRole", "arn:aws:iam::111122223333:role/developers",
    ];

    [Fact]
    public void Snapshot_reader_and_engine_never_throw()
    {
        FuzzBudget.Run(SnapshotFiles.Directory, files =>
        {
            var snapshot = SnapshotReader.Read(files.Select(f => new SnapshotFile(f.Name, f.Content)));
            if (snapshot.HasErrors) return;
            var engine = new AccessEngine(snapshot.Model);
            foreach (var arn in Principals)
            {
                var (identity, _) = OfflineIdentity.For(arn, "session", null, snapshot.Model.PrincipalIds);
                foreach (var request in Requests) engine.Evaluate(identity, request, explain: true);
            }
        }, cases: 1000, print: Print);
    }

    /// <summary>Tokens: generated ones with their URL cut and salted, and arbitrary text after the prefix.</summary>
    private static readonly Gen<string> Tokens = Gen.Frequency(
        (4, MalformedText.Mutated(
        [
            EksTokenGenerator.Generate(Creds, "demo", "eu-west-1", Local, Now).PresignedUrl,
            EksTokenGenerator.Generate(Creds, "demo", "us-east-1", "https://sts.us-east-1.amazonaws.com", Now).PresignedUrl,
            "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261103%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261103T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=00",
        ]).Select(EksToken.Encode)),
        (1, MalformedText.Snippet.Select(s => EksToken.Prefix + s)),
        (1, Gen.Byte.Array[0, 200].Select(b => EksToken.Prefix + Convert.ToBase64String(b))),
        (1, Gen.String[0, 300]));

    [Fact]
    public void Token_verifier_never_throws()
    {
        var verifier = new EksTokenVerifier(new EksTokenVerifierOptions { LocalStsEndpoints = [Local] }, new FixedClockForFuzz(Now.AddMinutes(1)), new SigningKeyCache());
        FuzzBudget.Run(Tokens, token =>
        {
            verifier.TryVerify(token, "demo", r => r.AccessKeyId == Creds.AccessKeyId ? Creds.SecretAccessKey : null, out _, out _);
        }, cases: 5000, print: t => t);
    }

    private static readonly string[] PolicyKeys =
        ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition", "Sid", "AWS", "Service", "Federated", "StringEquals", "ArnLike", "Bool", "IpAddress", "aws:SourceIp", "sts:ExternalId"];

    private static readonly string[] PolicyStrings =
        ["2012-10-17", "2008-10-17", "Allow", "Deny", "*", "s3:*", "eks:Describe*", "iam:PassRole", "sts:AssumeRole", "arn:aws:s3:::b/*", "10.0.0.0/8", "::1/200", "${aws:username}", "${", .. MalformedText.Arns];

    [Fact]
    public void Policy_parser_never_throws_anything_but_its_own_rejection()
    {
        var documents = Gen.Frequency(
            (3, MalformedText.Json(PolicyKeys, PolicyStrings, 5)),
            (1, MalformedText.Mutated(["""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:Describe*"],"Resource":"*","Condition":{"StringEquals":{"aws:username":"a"}}}]}"""])));
        FuzzBudget.Run(Gen.Select(documents, Gen.Enum<PolicyKind>()), sample =>
        {
            PolicyParser.Parse(sample.Item1, sample.Item2);
        }, cases: 3000, print: s => s.ToString());
    }

    private static string Print((string Name, string Content)[] files) =>
        string.Join("\n", files.Select(f => $"--- {f.Name} ({Encoding.UTF8.GetByteCount(f.Content)} bytes)\n{(f.Content.Length > 2000 ? f.Content[..2000] + "..." : f.Content)}"));

    private sealed class FixedClockForFuzz(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
