namespace Turnstile.Aws.Tests.Eks;

public class TagTests
{
    private readonly EksFixture _f = new();

    private string[] TagKeys(string arn) =>
        _f.Call("ListTagsForResource", $$"""{"resourceArn":"{{arn}}"}""")["tags"]!.AsObject().Select(p => $"{p.Key}={(string?)p.Value}").ToArray();

    [Fact]
    public void Clusters_node_groups_and_access_entries_take_tags()
    {
        var clusterArn = (string)_f.CreateCluster("c", "API")["cluster"]!["arn"]!;
        var nodegroupArn = (string)_f.Call("CreateNodegroup", """{"clusterName":"c","nodegroupName":"ng","subnets":["a"],"nodeRole":"arn:aws:iam::111122223333:role/n","tags":{"tier":"web"}}""")["nodegroup"]!["nodegroupArn"]!;
        var entryArn = (string)_f.Entry("c", EksFixture.AdminArn)["accessEntryArn"]!;

        foreach (var arn in new[] { clusterArn, nodegroupArn, entryArn })
        {
            Assert.Empty(_f.Call("TagResource", $$$"""{"resourceArn":"{{{arn}}}","tags":{"env":"dev","owner":"me"}}"""));
            Assert.Contains("env=dev", TagKeys(arn));
            Assert.Empty(_f.Call("UntagResource", $$"""{"resourceArn":"{{arn}}","tagKeys":["env"]}"""));
            Assert.DoesNotContain("env=dev", TagKeys(arn));
            Assert.Contains("owner=me", TagKeys(arn));
        }
        Assert.Contains("tier=web", TagKeys(nodegroupArn));
        Assert.Equal("me", (string?)_f.Describe("c")["tags"]!["owner"]);
        Assert.Equal("me", (string?)_f.Entry("c", EksFixture.AdminArn)["tags"]!["owner"]);
    }

    [Fact]
    public void Unknown_resources_and_bad_tags_are_refused()
    {
        _f.CreateCluster("c");
        var missing = _f.Fails("ListTagsForResource", $$"""{"resourceArn":"arn:aws:eks:{{EksFixture.Region}}:{{EksFixture.Account}}:cluster/nope"}""");
        Assert.Equal("NotFoundException", missing.Code);
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("BadRequestException", _f.Fails("ListTagsForResource", """{"resourceArn":"nonsense"}""").Code);
        var arn = $"arn:aws:eks:{EksFixture.Region}:{EksFixture.Account}:cluster/c";
        Assert.Equal("BadRequestException", _f.Fails("TagResource", $$$"""{"resourceArn":"{{{arn}}}","tags":{"aws:reserved":"x"}}""").Code);
        Assert.Equal("BadRequestException", _f.Fails("TagResource", $$$"""{"resourceArn":"{{{arn}}}","tags":{"k":"{{{new string('v', 257)}}}"}}""").Code);
        var tooMany = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\":\"v\""));
        Assert.Equal("BadRequestException", _f.Fails("TagResource", $$$"""{"resourceArn":"{{{arn}}}","tags":{{{{tooMany}}}}}""").Code);
    }
}
