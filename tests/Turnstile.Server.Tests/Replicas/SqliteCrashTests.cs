using Microsoft.Data.Sqlite;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Tests.Eks;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Replicas;

/// <summary><c>turnstile serve</c> on SQLite killed with SIGKILL under 8 concurrent writers: no acknowledged write is lost, the file is sound.</summary>
[Collection(ReplicaCollection.Name)]
public class SqliteCrashTests
{
    [PosixAwsCliFact]
    public async Task Kill_9_under_eight_writers_loses_no_acknowledged_write_and_leaves_a_sound_database()
    {
        var data = Directory.CreateTempSubdirectory("turnstile-crash-").FullName;
        try
        {
            IReadOnlyCollection<string> acknowledged;
            await using (var first = await ReplicaTests.Serve("sqlite:" + Path.Combine(data, "turnstile.db")))
                acknowledged = await ReplicaTests.WriteUntilKilled(first, [first]);
            Assert.NotEmpty(acknowledged);

            await using (var second = await ReplicaTests.Serve("sqlite:" + Path.Combine(data, "turnstile.db")))
            {
                using var client = new SignedClient(second.Endpoint, new AwsCredentials(Admin.AccessKeyId, Admin.SecretAccessKey), DefaultRegion);
                Assert.Empty(acknowledged.Except(await ReplicaTests.ListUsers(client)));
                Assert.Equal(0, await second.StopAsync());
            }

            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "turnstile.db"), Pooling = false }.ToString());
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
