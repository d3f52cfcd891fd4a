using Turnstile.Core.Iam.Policies;

namespace Turnstile.Core.Tests.Iam.Policies;

public class PolicyQuotasTests
{
    [Fact]
    public void White_space_does_not_count()
    {
        Assert.Equal(2, PolicyQuotas.CountNonWhitespace(" {\n\t} "));
        Assert.Null(PolicyQuotas.CheckManaged(new string(' ', 10000) + new string('x', PolicyQuotas.ManagedPolicySize)));
    }

    [Fact]
    public void Managed_policy_over_6144_characters_is_a_limit_error()
    {
        var error = PolicyQuotas.CheckManaged(new string('x', 6145));
        Assert.Equal(new PolicyError(PolicyError.LimitExceeded, "Cannot exceed quota for PolicySize: 6144"), error);
        Assert.Equal(409, error!.HttpStatus);
    }

    [Fact]
    public void Trust_policy_over_2048_characters_is_a_limit_error()
    {
        Assert.Null(PolicyQuotas.CheckTrust(new string('x', 2048)));
        Assert.Equal("Cannot exceed quota for ACLSizePerRole: 2048", PolicyQuotas.CheckTrust(new string('x', 2049))?.Message);
    }

    [Theory]
    [InlineData("user", 2048)]
    [InlineData("group", 5120)]
    [InlineData("role", 10240)]
    public void Inline_quotas_are_per_entity_aggregates(string entityType, int limit)
    {
        var half = new string('x', limit / 2);
        Assert.Null(PolicyQuotas.CheckInlineAggregate(entityType, "e1", [half, half]));
        var error = PolicyQuotas.CheckInlineAggregate(entityType, "e1", [half, half, "x"]);
        Assert.Equal($"Maximum policy size of {limit} bytes exceeded for {entityType} e1", error?.Message);
    }

    [Theory]
    [InlineData("{\"a\":\"\u00e9\"}\r\n\t", true)]
    [InlineData("", false)]
    [InlineData("{\"a\":\"\u0101\"}", false)]
    [InlineData("\u0001", false)]
    public void Document_character_set(string text, bool valid) => Assert.Equal(valid, PolicyQuotas.HasValidCharacters(text));
}
