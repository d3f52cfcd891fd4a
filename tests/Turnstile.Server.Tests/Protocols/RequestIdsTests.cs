using System.Text.RegularExpressions;
using Turnstile.Server.Protocols;

namespace Turnstile.Server.Tests.Protocols;

public sealed class RequestIdsTests
{
    [Fact]
    public void Request_ids_are_distinct_version_4_uuids_in_lower_case()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RequestIds.New()).ToList();

        Assert.All(ids, id => Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
