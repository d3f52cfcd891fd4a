using Turnstile.Core.Authn.Token;

namespace Turnstile.Core.Tests.Authn.Token;

/// <summary>aws-iam-authenticator.md §6.4 H-1..H-26.</summary>
public sealed class StsHostValidatorTests
{
    private static bool Valid(string partition, string region, string host) =>
        new StsHostValidator(partition, region).TryValidate(host, out _);

    [Theory]
    // H-1, H-2
    [InlineData("aws", "", "sts.amazonaws.com", true)]
    [InlineData("aws-cn", "", "sts.amazonaws.com", false)]
    [InlineData("aws-us-gov", "", "sts.amazonaws.com", false)]
    [InlineData("aws-iso", "", "sts.amazonaws.com", false)]
    [InlineData("aws-iso-b", "", "sts.amazonaws.com", false)]
    [InlineData("aws-iso-e", "", "sts.amazonaws.com", false)]
    [InlineData("aws-iso-f", "", "sts.amazonaws.com", false)]
    [InlineData("aws-not-a-partition", "", "sts.amazonaws.com", false)]
    // H-3..H-6
    [InlineData("aws-cn", "", "sts.cn-northwest-1.amazonaws.com.cn", true)]
    [InlineData("aws-cn", "", "sts.cn-north-1.amazonaws.com.cn", true)]
    [InlineData("aws-cn", "", "sts.us-iso-east-1.c2s.ic.gov", false)]
    [InlineData("aws-cn", "", "sts.not-a-region1.amazonaws.com.cn", false)]
    [InlineData("aws-cn", "not-a-region2", "sts.not-a-region2.amazonaws.com.cn", true)]
    // H-7
    [InlineData("aws", "", "sts-fips.us-west-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts-fips.us-east-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.us-east-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.us-east-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts.us-west-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.us-west-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ap-south-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ap-northeast-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ap-northeast-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ap-southeast-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ap-southeast-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts.ca-central-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.eu-central-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.eu-west-1.amazonaws.com", true)]
    [InlineData("aws", "", "sts.eu-west-2.amazonaws.com", true)]
    [InlineData("aws", "", "sts.eu-west-3.amazonaws.com", true)]
    [InlineData("aws", "", "sts.eu-north-1.amazonaws.com", true)]
    // H-8..H-13
    [InlineData("aws", "", "sts.amazonaws.com.cn", false)]
    [InlineData("aws", "", "website.amazonaws.com", false)]
    [InlineData("aws", "default-region", "sts.default-region.amazonaws.com", true)]
    [InlineData("aws-iso", "", "sts.us-iso-east-1.c2s.ic.gov", true)]
    [InlineData("aws-iso", "", "sts.cn-north-1.amazonaws.com.cn", false)]
    [InlineData("aws-iso-b", "", "sts.cn-north-1.amazonaws.com.cn", false)]
    [InlineData("aws-us-gov", "", "sts.us-gov-east-1.amazonaws.com", true)]
    [InlineData("aws-cn", "", "sts-fips.us-east-1.amazonaws.com", false)]
    // H-14, H-15
    [InlineData("aws-cn", "", "sts.us-isob-east-1.amazonaws.com.cn", false)]
    [InlineData("aws-cn", "us-isob-east-1", "sts.us-isob-east-1.amazonaws.com.cn", true)]
    [InlineData("aws-iso-b", "", "sts.us-isob-east-1.amazonaws.com.cn", false)]
    [InlineData("aws-iso-b", "us-isob-east-1", "sts.us-isob-east-1.amazonaws.com.cn", false)]
    // H-16..H-18
    [InlineData("aws", "", "sts.us-west-2.api.aws", true)]
    [InlineData("aws-cn", "", "sts.cn-north-1.api.amazonwebservices.com.cn", true)]
    [InlineData("aws", "", "sts.cn-north-1.api.amazonwebservices.com.cn", false)]
    // H-19..H-22
    [InlineData("aws", "", "sts.not-a-region.amazonaws.com", true)]
    [InlineData("aws", "not-a-region", "sts.not-a-region.amazonaws.com", true)]
    [InlineData("aws", "us-west-2", "sts.not-a-region.amazonaws.com", true)]
    [InlineData("aws-cn", "", "sts.not-a-region3.amazonaws.com.cn", false)]
    [InlineData("aws-cn", "not-a-region4", "sts.not-a-region4.amazonaws.com.cn", true)]
    [InlineData("aws-cn", "us-west-2", "sts.not-a-region5.amazonaws.com.cn", false)]
    [InlineData("aws-cn", "not-a-region", "sts.not-a-region.amazonaws.com", false)]
    [InlineData("aws-cn", "", "sts.us-west-2.amazonaws.com.cn", false)]
    [InlineData("aws", "", "sts.us-west-2.amazonaws.com.cn", false)]
    public void HostValidation(string partition, string region, string host, bool valid) =>
        Assert.Equal(valid, Valid(partition, region, host));

    [Fact]
    public void H02_GlobalMessage()
    {
        Assert.False(new StsHostValidator("aws-cn").TryValidate("sts.amazonaws.com", out var error));
        Assert.Equal("global endpoint unsupported in partition aws-cn", error);
    }

    [Fact]
    public void H13_PartitionMessage()
    {
        Assert.False(new StsHostValidator("aws-cn").TryValidate("sts-fips.us-east-1.amazonaws.com", out var error));
        Assert.Equal("partition {aws-cn} does not support hostname sts-fips.us-east-1.amazonaws.com", error);
        Assert.False(new StsHostValidator("aws").TryValidate("website.amazonaws.com", out error));
        Assert.Equal("unexpected hostname \"website.amazonaws.com\" in pre-signed URL", error);
    }

    [Fact]
    public void H23_OnlyAcceptedHostsAreCached()
    {
        var validator = new StsHostValidator();
        foreach (var host in new[] { "sts.us-east-1.amazonaws.com", "sts.amazonaws.com", "sts-fips.us-west-2.amazonaws.com" })
        {
            Assert.False(validator.IsCached(host));
            Assert.True(validator.TryValidate(host, out _));
            Assert.True(validator.IsCached(host));
        }
        Assert.False(validator.TryValidate("invalid.amazonaws.com", out _));
        Assert.False(validator.IsCached("invalid.amazonaws.com"));
    }

    [Theory]
    [InlineData("sts.amazonaws.com", "global")]
    [InlineData("sts.us-west-2.amazonaws.com", "us-west-2")]
    [InlineData("sts.eu-central-1.amazonaws.com", "eu-central-1")]
    public void H24_StsRegion(string host, string region)
    {
        Assert.True(StsHostValidator.TryGetStsRegion(host, out var actual, out _));
        Assert.Equal(region, actual);
    }

    [Theory]
    [InlineData("", "host is empty")]
    [InlineData("sts", "invalid host format: sts")]
    [InlineData("sts.wrongformat", "invalid host format: sts.wrongformat")]
    public void H24_StsRegionErrors(string host, string message)
    {
        Assert.False(StsHostValidator.TryGetStsRegion(host, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("local", true)]
    [InlineData("9-west-1", true)]
    [InlineData("invalid.com", false)]
    [InlineData("@invalid.com/%23", false)]
    [InlineData("us_east_1", false)]
    public void H25_RegionIdentifier(string region, bool valid) =>
        Assert.Equal(valid, StsHostValidator.IsValidRegionIdentifier(region));

    [Fact]
    public void H26_DefaultHostNames()
    {
        Assert.Contains("test.eu-isoe-west-1.cloud.adc-e.uk", StsHostValidator.DefaultHostNames("aws-iso-e", "eu-isoe-west-1", "test"));
        Assert.Contains("sts.us-iso-test-1.c2s.ic.gov", StsHostValidator.DefaultHostNames("aws-iso", "us-iso-test-1", "sts"));
        Assert.Throws<ArgumentException>(() => StsHostValidator.DefaultHostNames("aws", "test_123", "sts"));
    }

    [Theory]
    [InlineData("us-west-2", "https://sts.us-west-2.amazonaws.com")]
    [InlineData("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn")]
    [InlineData("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com")]
    [InlineData("aws-global", "https://sts.amazonaws.com")]
    public void DefaultEndpoints(string region, string endpoint) => Assert.Equal(endpoint, StsPartitions.DefaultEndpoint(region));
}
