using System.Text.Json;
using Turnstile.Aws;
using Turnstile.Aws.Iam;
using Turnstile.Aws.State;
using Turnstile.Aws.Sts;
using Turnstile.Server.Tests.EndToEnd;

namespace Turnstile.Server.Tests.Iam;

/// <summary>The real IAM and STS services behind the in-process host; the CLI signs as the bootstrap admin.</summary>
public class IamStsCliFixture : AwsCliFixture
{
    public const string Account = EmulatorOptions.DefaultAccountId;

    public static AwsCliCredentials Admin { get; } = new(EmulatorOptions.DefaultAdminAccessKeyId, EmulatorOptions.DefaultAdminSecretAccessKey);

    protected override EmulatorHostOptions CreateHostOptions() => HostOptions(new InMemoryStateStore());

    protected override AwsCliCredentials CreateCredentials() => Admin;

    /// <summary>Host options serving IAM and STS over <paramref name="store"/>, with IAM as credential source and authorizer.</summary>
    public static EmulatorHostOptions HostOptions(IStateStore store)
    {
        var iam = new IamService(new EmulatorState(store, new EmulatorOptions()));
        return new EmulatorHostOptions
        {
            Services = [iam, new StsService(iam)],
            Credentials = iam,
            Authorizer = iam,
        };
    }

    public static string Arn(string resource) => $"arn:aws:iam::{Account}:{resource}";

    /// <summary>Runs the CLI and fails with its output unless it succeeds; returns the parsed JSON output (undefined when there is none).</summary>
    public async Task<JsonElement> Ok(AwsCliCredentials? credentials, params string[] args)
    {
        var result = (await RunAsync(args, credentials)).EnsureSuccess();
        return string.IsNullOrWhiteSpace(result.Stdout) ? default : result.Json;
    }

    public Task<JsonElement> Ok(params string[] args) => Ok(null, args);

    /// <summary>Runs the CLI expecting it to fail and returns the error line it prints.</summary>
    public async Task<string> Fails(AwsCliCredentials? credentials, params string[] args)
    {
        var result = await RunAsync(args, credentials);
        Assert.False(result.Succeeded, $"expected aws {string.Join(' ', args)} to fail\n{result}");
        return result.Stderr.Trim();
    }

    public Task<string> Fails(params string[] args) => Fails(null, args);

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
