using System.Text.Json;
using System.Text.Json.Nodes;
using Turnstile.Aws;
using Turnstile.Aws.Iam;
using Turnstile.Aws.Sts;
using Turnstile.Hosting;
using Turnstile.Server.Tests.EndToEnd;
using Turnstile.State;

namespace Turnstile.Server.Tests.Iam;

/// <summary>The real IAM and STS services behind the in-process host; the CLI signs as the bootstrap admin.</summary>
public class IamStsCliFixture : AwsCliFixture
{
    public const string Account = EmulatorOptions.DefaultAccountId;

    public static AwsCliCredentials Admin { get; } = new(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);

    protected virtual TimeProvider? Clock => null;

    protected override async Task<EmulatorHostOptions> CreateHostOptionsAsync()
    {
        var runtime = await StartRuntimeAsync(new InMemoryStore(), Clock);
        Own(runtime);
        return HostOptions(runtime);
    }

    protected override AwsCliCredentials CreateCredentials() => Admin;

    /// <summary>A replica over <paramref name="store"/> (kept open when the runtime goes); <paramref name="clock"/> is both the host's and the state's time.</summary>
    public static Task<EmulatorRuntime> StartRuntimeAsync(IStore store, TimeProvider? clock = null) =>
        EmulatorRuntime.StartAsync(store, new EmulatorOptions(), ownsStore: false, clock);

    /// <summary>Host options serving IAM and STS (not EKS) of <paramref name="runtime"/>, with IAM as credential source and authorizer.</summary>
    public static EmulatorHostOptions HostOptions(EmulatorRuntime runtime) => runtime.HostOptions() with
    {
        Services = [runtime.Iam, runtime.Sts],
        DefaultRegion = "us-east-1",
    };

    public static string Arn(string resource) => $"arn:aws:iam::{Account}:{resource}";

    public static string AssumedRoleArn(string role, string session) => $"arn:aws:sts::{Account}:assumed-role/{role}/{session}";

    /// <summary>The <paramref name="member"/> of each element of a CLI output list.</summary>
    public static string?[] Names(JsonElement list, string member) => list.EnumerateArray().Select(e => e.GetProperty(member).GetString()).ToArray();

    /// <summary>A CLI output list of strings.</summary>
    public static string?[] Strings(JsonElement list) => list.EnumerateArray().Select(e => e.GetString()).ToArray();

    /// <summary>A CLI output <c>Tags</c> list as <c>key=value</c> strings, in order.</summary>
    public static string[] Tags(JsonElement tags) =>
        tags.EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}").ToArray();

    /// <summary>Asserts that the CLI printed <paramref name="actual"/> as the JSON value <paramref name="expectedJson"/> (structural equality).</summary>
    public static void AssertJson(string expectedJson, JsonElement actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        var printed = JsonNode.Parse(actual.GetRawText());
        Assert.True(JsonNode.DeepEquals(expected, printed), $"expected {expected?.ToJsonString()}\nactual   {printed?.ToJsonString()}");
    }

    /// <summary>How many HTTP requests for <paramref name="operation"/> a <c>--debug</c> run made (one per page when paging).</summary>
    public static int Requests(AwsCliResult debugRun, string operation) =>
        debugRun.Stderr.Split('\n').Count(line => line.Contains($"Making request for OperationModel(name={operation})", StringComparison.Ordinal));

    public static AwsCliCredentials KeyOf(JsonElement createAccessKeyOutput)
    {
        var key = createAccessKeyOutput.GetProperty("AccessKey");
        return new AwsCliCredentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }

    public static AwsCliCredentials SessionOf(JsonElement output)
    {
        var credentials = output.GetProperty("Credentials");
        return new AwsCliCredentials(credentials.GetProperty("AccessKeyId").GetString()!, credentials.GetProperty("SecretAccessKey").GetString()!,
            credentials.GetProperty("SessionToken").GetString());
    }

    public static string TrustPolicy(string principal) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":"sts:AssumeRole"}]}""";
}
