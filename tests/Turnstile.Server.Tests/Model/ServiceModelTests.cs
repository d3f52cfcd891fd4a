using Turnstile.Server.Model;

namespace Turnstile.Server.Tests.Model;

public class ServiceModelTests
{
    [Fact]
    public void Embedded_models_load_with_their_protocols()
    {
        var iam = ServiceModel.Load("iam");
        var sts = ServiceModel.Load("sts");
        var eks = ServiceModel.Load("eks");

        Assert.Equal(WireProtocol.Query, iam.Protocol);
        Assert.Equal("2010-05-08", iam.ApiVersion);
        Assert.Equal("https://iam.amazonaws.com/doc/2010-05-08/", iam.XmlNamespace);
        Assert.Equal(WireProtocol.Query, sts.Protocol);
        Assert.Equal("https://sts.amazonaws.com/doc/2011-06-15/", sts.XmlNamespace);
        Assert.Equal(WireProtocol.RestJson, eks.Protocol);
        Assert.Equal("eks", eks.SigningName);
        Assert.Same(iam, ServiceModel.Load("iam"));
    }

    [Fact]
    public void Operations_carry_bindings_wrappers_and_auth()
    {
        var sts = ServiceModel.Load("sts");
        var gci = sts.Operations["GetCallerIdentity"];
        Assert.Equal("GetCallerIdentityResult", gci.ResultWrapper);
        Assert.True(gci.RequiresSignature);
        Assert.False(sts.Operations["AssumeRoleWithWebIdentity"].RequiresSignature);

        var eks = ServiceModel.Load("eks");
        var describe = eks.Operations["DescribeAccessEntry"];
        Assert.Equal("GET", describe.HttpMethod);
        Assert.Equal("/clusters/{name}/access-entries/{principalArn}", describe.RequestUri);
        var input = describe.Input!;
        Assert.Equal(MemberLocation.Uri, input.MembersByName["clusterName"].Location);
        Assert.Equal("name", input.MembersByName["clusterName"].WireName);
    }

    [Fact]
    public void Shapes_carry_constraints_and_error_traits()
    {
        var iam = ServiceModel.Load("iam");
        var createUser = iam.Operations["CreateUser"].Input!;
        Assert.Contains("UserName", createUser.Required);
        var userName = createUser.MembersByName["UserName"].Shape;
        Assert.Equal(1, userName.Min);
        Assert.Equal(64, userName.Max);
        Assert.Equal(@"[\w+=,.@-]+", userName.Pattern);
        Assert.True(userName.MatchesPattern("alice.b@x"));
        Assert.False(userName.MatchesPattern("bad name"));

        Assert.True(iam.Shapes["policyDocumentType"].UrlEncodedInXml);
        var noSuchEntity = iam.FindError("NoSuchEntity")!;
        Assert.Equal(new ErrorTraits("NoSuchEntity", 404, true), noSuchEntity.Error);
        Assert.Same(noSuchEntity, iam.FindError("NoSuchEntityException"));

        var eks = ServiceModel.Load("eks");
        Assert.Equal(404, eks.FindError("ResourceNotFoundException")!.Error!.HttpStatusCode);
    }

    [Theory]
    [InlineData(@"[\w+=,.@-]+", "[a-zA-Z0-9_+=,.@-]+")]
    [InlineData(@"[\w]+", "[a-zA-Z0-9_]+")]
    [InlineData(@"\d{12}", "[0-9]{12}")]
    [InlineData(@"[\p{L}\p{Z}\p{N}_.:/=+\-@]+", @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")]
    public void Java_shorthand_classes_become_ascii(string java, string dotnet) =>
        Assert.Equal(dotnet, Shape.TranslateJavaPattern(java));

    [Fact]
    public void Word_class_is_ascii_only_as_in_java()
    {
        var shape = ServiceModel.Load("iam").Operations["CreateUser"].Input!.MembersByName["UserName"].Shape;
        Assert.False(shape.MatchesPattern("jürgen"));
    }
}
