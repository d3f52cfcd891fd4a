using Turnstile.Storage;
using Turnstile.Cli.Commands;

namespace Turnstile.Server.Tests.Cli;

public class CliCommandTests
{
    [Fact]
    public void Env_renders_each_shell()
    {
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        Assert.Equal(
            "export AWS_ENDPOINT_URL=http://127.0.0.1:4566\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n" +
            $"export AWS_SECRET_ACCESS_KEY={secret}\nexport AWS_DEFAULT_REGION=ap-northeast-2\nexport AWS_REGION=ap-northeast-2\nunset AWS_SESSION_TOKEN\n",
            EnvCommand.Render("bash", "http://127.0.0.1:4566", "AKIAIOSFODNN7EXAMPLE", secret, "ap-northeast-2"));
        Assert.StartsWith("set -gx AWS_ENDPOINT_URL http://h:1\n", EnvCommand.Render("fish", "http://h:1", "K", "S", "r"));
        Assert.Contains("$Env:AWS_SECRET_ACCESS_KEY = 'it''s'\n", EnvCommand.Render("powershell", "http://h:1", "K", "it's", "r"));
        Assert.Contains("export AWS_SECRET_ACCESS_KEY='a b'\\''c'\n", EnvCommand.Render("bash", "http://h:1", "K", "a b'c", "r"));
    }

    [Fact]
    public void Serve_rejects_conflicting_options()
    {
        var result = ServeCommand.Create().Parse(["--in-memory", "--data", "somewhere"]);
        Assert.Contains(result.Errors, e => e.Message.Contains("--data and --in-memory"));
        Assert.NotEmpty(ServeCommand.Create().Parse(["--account-id", "12"]).Errors);
        Assert.Empty(ServeCommand.Create().Parse(["--port", "0", "--in-memory", "--latency"]).Errors);
    }

    [Fact]
    public void Data_directory_resolution()
    {
        Assert.Equal(Path.Combine("x", "turnstile.db"), EmulatorSettings.DatabasePath("x"));
        Assert.EndsWith("turnstile.db", EmulatorSettings.DatabasePath());
    }

    [Fact]
    public async Task Serve_prints_one_ready_line_and_stops_cleanly()
    {
        var directory = Directory.CreateTempSubdirectory("turnstile-serve-").FullName;
        try
        {
            var database = Path.Combine(directory, "turnstile.db");
            var output = new StringWriter();
            var error = new StringWriter();
            using var stop = new CancellationTokenSource();
            var run = ServeCommand.RunAsync(new ServeCommand.ServeSettings("127.0.0.1", 0, 0, new SqliteLocation(database), "123456789012", "eu-west-1", false),
                TextWriter.Synchronized(output), TextWriter.Synchronized(error), stop.Token);

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!output.ToString().Contains('\n') && !run.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
            var line = output.ToString();
            Assert.Matches(
                @"^turnstile: AWS endpoint http://127\.0\.0\.1:\d+ \([^)]*\), Kubernetes API https://127\.0\.0\.1:\d+/clusters/<name>, account 123456789012, region eu-west-1, store sqlite .*turnstile\.db\n$",
                line.Replace("\r\n", "\n"));

            stop.Cancel();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(line, output.ToString());
            Assert.Equal("", error.ToString());
            Assert.True(File.Exists(database));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
