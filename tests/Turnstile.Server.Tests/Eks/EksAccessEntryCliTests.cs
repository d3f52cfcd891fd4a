using System.Text.Json;
using Turnstile.Core.AccessPolicies;
using Turnstile.Server.Tests.EndToEnd;
using static Turnstile.Server.Tests.Eks.EksCliFixture;

namespace Turnstile.Server.Tests.Eks;

/// <summary>The unmodified aws CLI through access entries and access policies: every operation, its errors and paging.</summary>
public class EksAccessEntryCliTests(EksCliFixture aws) : IClassFixture<EksCliFixture>
{
    private const string NotFound =
        "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.";

    [AwsCliFact]
    public async Task Access_entries_and_their_policies()
    {
        var dev = await aws.CreateUser("entry-dev");
        await aws.CreateCluster("entries", "API_AND_CONFIG_MAP");

        // EKS's own entries: the creator (cluster admin) and its service-linked role.
        Assert.Equal([ServiceLinkedRole, IamArn("user/admin")],
            Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "entries")).GetProperty("accessEntries")));
        var creator = (await aws.Ok("eks", "list-associated-access-policies", "--cluster-name", "entries", "--principal-arn", IamArn("user/admin")));
        Assert.Equal("entries", creator.GetProperty("clusterName").GetString());
        Assert.Equal(IamArn("user/admin"), creator.GetProperty("principalArn").GetString());
        var creatorPolicy = creator.GetProperty("associatedAccessPolicies").EnumerateArray().Single();
        Assert.Equal(ClusterAdminPolicy, creatorPolicy.GetProperty("policyArn").GetString());
        Assert.Equal("""{"type":"cluster","namespaces":[]}""", Compact(creatorPolicy.GetProperty("accessScope")));

        var created = (await aws.Ok("eks", "create-access-entry", "--cluster-name", "entries", "--principal-arn", dev,
            "--kubernetes-groups", "viewers", "--username", "dev:{{SessionName}}", "--tags", "team=web")).GetProperty("accessEntry");
        Assert.Equal("entries", created.GetProperty("clusterName").GetString());
        Assert.Equal(dev, created.GetProperty("principalArn").GetString());
        Assert.Equal(["viewers"], Strings(created.GetProperty("kubernetesGroups")));
        Assert.Equal("dev:{{SessionName}}", created.GetProperty("username").GetString());
        Assert.Equal("STANDARD", created.GetProperty("type").GetString());
        Assert.Equal("""{"team":"web"}""", Compact(created.GetProperty("tags")));
        var entryArn = created.GetProperty("accessEntryArn").GetString()!;
        Assert.Matches($"^arn:aws:eks:{DefaultRegion}:{Account}:access-entry/entries/user/{Account}/entry-dev/[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$", entryArn);
        Assert.Equal(created.GetProperty("createdAt").GetDouble(), created.GetProperty("modifiedAt").GetDouble());

        var described = (await aws.Ok("eks", "describe-access-entry", "--cluster-name", "entries", "--principal-arn", dev)).GetProperty("accessEntry");
        Assert.Equal(Compact(created), Compact(described));
        Assert.Equal([ServiceLinkedRole, IamArn("user/admin"), dev],
            Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "entries")).GetProperty("accessEntries")));

        var updated = (await aws.Ok("eks", "update-access-entry", "--cluster-name", "entries", "--principal-arn", dev,
            "--kubernetes-groups", "editors", "deployers")).GetProperty("accessEntry");
        Assert.Equal(["editors", "deployers"], Strings(updated.GetProperty("kubernetesGroups")));
        Assert.Equal("dev:{{SessionName}}", updated.GetProperty("username").GetString());
        Assert.Equal(entryArn, updated.GetProperty("accessEntryArn").GetString());
        Assert.True(updated.GetProperty("modifiedAt").GetDouble() >= created.GetProperty("modifiedAt").GetDouble());

        var associated = await aws.Ok("eks", "associate-access-policy", "--cluster-name", "entries", "--principal-arn", dev,
            "--policy-arn", ViewPolicy, "--access-scope", "type=namespace,namespaces=web,dev-*");
        Assert.Equal("entries", associated.GetProperty("clusterName").GetString());
        Assert.Equal(dev, associated.GetProperty("principalArn").GetString());
        var view = associated.GetProperty("associatedAccessPolicy");
        Assert.Equal(ViewPolicy, view.GetProperty("policyArn").GetString());
        Assert.Equal("""{"type":"namespace","namespaces":["web","dev-*"]}""", Compact(view.GetProperty("accessScope")));
        await aws.Ok("eks", "associate-access-policy", "--cluster-name", "entries", "--principal-arn", dev,
            "--policy-arn", EditPolicy, "--access-scope", "type=cluster");

        var policies = (await aws.Ok("eks", "list-associated-access-policies", "--cluster-name", "entries", "--principal-arn", dev))
            .GetProperty("associatedAccessPolicies").EnumerateArray().ToArray();
        Assert.Equal([EditPolicy, ViewPolicy], policies.Select(p => p.GetProperty("policyArn").GetString()));
        Assert.Equal([dev], Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "entries", "--associated-policy-arn", ViewPolicy))
            .GetProperty("accessEntries")));

        // Associating again changes the scope and keeps associatedAt.
        var rescoped = (await aws.Ok("eks", "associate-access-policy", "--cluster-name", "entries", "--principal-arn", dev,
            "--policy-arn", ViewPolicy, "--access-scope", "type=cluster")).GetProperty("associatedAccessPolicy");
        Assert.Equal("""{"type":"cluster","namespaces":[]}""", Compact(rescoped.GetProperty("accessScope")));
        Assert.Equal(view.GetProperty("associatedAt").GetDouble(), rescoped.GetProperty("associatedAt").GetDouble());

        Assert.Equal("", (await aws.RunAsync("eks", "disassociate-access-policy", "--cluster-name", "entries", "--principal-arn", dev,
            "--policy-arn", ViewPolicy)).EnsureSuccess().Stdout.Trim());
        Assert.Equal(Error("ResourceNotFoundException", "DisassociateAccessPolicy", "The specified policyArn is not associated with the access entry."),
            await aws.Fails("eks", "disassociate-access-policy", "--cluster-name", "entries", "--principal-arn", dev, "--policy-arn", ViewPolicy));
        Assert.Equal([EditPolicy], (await aws.Ok("eks", "list-associated-access-policies", "--cluster-name", "entries", "--principal-arn", dev))
            .GetProperty("associatedAccessPolicies").EnumerateArray().Select(p => p.GetProperty("policyArn").GetString()));

        Assert.Equal("", (await aws.RunAsync("eks", "delete-access-entry", "--cluster-name", "entries", "--principal-arn", dev)).EnsureSuccess().Stdout.Trim());
        Assert.Equal(Error("ResourceNotFoundException", "DescribeAccessEntry", NotFound),
            await aws.Fails("eks", "describe-access-entry", "--cluster-name", "entries", "--principal-arn", dev));
        Assert.Equal(Error("ResourceNotFoundException", "DeleteAccessEntry", NotFound),
            await aws.Fails("eks", "delete-access-entry", "--cluster-name", "entries", "--principal-arn", dev));
        Assert.Equal(0, (await aws.Ok("eks", "list-access-entries", "--cluster-name", "entries", "--associated-policy-arn", EditPolicy))
            .GetProperty("accessEntries").GetArrayLength());
    }

    [AwsCliFact]
    public async Task Access_entry_errors_read_as_eks_writes_them()
    {
        var user = await aws.CreateUser("err-user");
        var role = await aws.CreateRole("err-role");
        await aws.CreateCluster("err-cm");
        await aws.CreateCluster("err-api", "API");

        Assert.Equal(Error("ResourceNotFoundException", "CreateAccessEntry", "No cluster found for name: err-none."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-none", "--principal-arn", user));
        Assert.Equal(Error("ResourceNotFoundException", "ListAccessEntries", "No cluster found for name: err-none."),
            await aws.Fails("eks", "list-access-entries", "--cluster-name", "err-none"));
        const string disabled = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.";
        Assert.Equal(Error("InvalidRequestException", "CreateAccessEntry", disabled),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-cm", "--principal-arn", user));
        Assert.Equal(Error("InvalidRequestException", "ListAccessEntries", disabled),
            await aws.Fails("eks", "list-access-entries", "--cluster-name", "err-cm"));

        await aws.Ok("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", user);
        Assert.Equal(Error("ResourceInUseException", "CreateAccessEntry", "The specified access entry resource is already in use on this cluster."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", user));
        Assert.Equal(Error("ResourceInUseException", "CreateAccessEntry", "The specified access entry resource is already in use on this cluster."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", IamArn("user/admin")));

        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The kubernetes group name system:masters is invalid, it cannot start with system:"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", role, "--kubernetes-groups", "ops", "system:masters"));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The username must not begin with system:"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", role, "--username", "system:admin"));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The username must not begin with eks:"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", role, "--username", "eks:admin"));
        Assert.Equal(Error("InvalidParameterException", "UpdateAccessEntry", "The username must not begin with system:"),
            await aws.Fails("eks", "update-access-entry", "--cluster-name", "err-api", "--principal-arn", user, "--username", "system:node:x"));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The principalArn parameter format is not valid"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", $"arn:aws:sts::{Account}:assumed-role/err-role/session"));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The specified principalArn is invalid: invalid principal."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", IamArn("role/nobody")));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry",
                "The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role"),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "err-api", "--principal-arn", ServiceLinkedRole));

        Assert.Equal(Error("ResourceNotFoundException", "AssociateAccessPolicy",
                "The specified policyArn could not be found. You can view your available access policies with 'list-access-policies'."),
            await aws.Fails("eks", "associate-access-policy", "--cluster-name", "err-api", "--principal-arn", user,
                "--policy-arn", PolicyPrefix + "NoSuchPolicy", "--access-scope", "type=cluster"));
        Assert.Equal(Error("InvalidParameterException", "AssociateAccessPolicy", "At least one namespace must be specified for an access scope of type namespace."),
            await aws.Fails("eks", "associate-access-policy", "--cluster-name", "err-api", "--principal-arn", user,
                "--policy-arn", ViewPolicy, "--access-scope", "type=namespace"));
        Assert.Equal(Error("ResourceNotFoundException", "AssociateAccessPolicy", NotFound),
            await aws.Fails("eks", "associate-access-policy", "--cluster-name", "err-api", "--principal-arn", role,
                "--policy-arn", ViewPolicy, "--access-scope", "type=cluster"));

        // None of the refused calls left anything behind.
        Assert.Equal([ServiceLinkedRole, IamArn("user/admin"), user],
            Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "err-api")).GetProperty("accessEntries")));
        Assert.Equal(0, (await aws.Ok("eks", "list-associated-access-policies", "--cluster-name", "err-api", "--principal-arn", user))
            .GetProperty("associatedAccessPolicies").GetArrayLength());
    }

    [AwsCliFact]
    public async Task A_role_with_a_path_is_addressed_by_its_full_arn()
    {
        var role = await aws.CreateRole("deployer", "/teams/platform/");
        Assert.Equal(IamArn("role/teams/platform/deployer"), role);
        await aws.CreateCluster("paths", "API");

        await aws.Ok("eks", "create-access-entry", "--cluster-name", "paths", "--principal-arn", role);
        // The whole ARN, slashes of the path included, travels as one percent-encoded path label.
        var described = (await aws.RunAsync("eks", "describe-access-entry", "--cluster-name", "paths", "--principal-arn", role, "--debug")).EnsureSuccess();
        Assert.Contains($"/clusters/paths/access-entries/arn%3Aaws%3Aiam%3A%3A{Account}%3Arole%2Fteams%2Fplatform%2Fdeployer'", described.Stderr);
        var entry = described.Json.GetProperty("accessEntry");
        Assert.Equal(role, entry.GetProperty("principalArn").GetString());
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/deployer/{{{{SessionName}}}}", entry.GetProperty("username").GetString());
        Assert.StartsWith($"arn:aws:eks:{DefaultRegion}:{Account}:access-entry/paths/role/{Account}/deployer/", entry.GetProperty("accessEntryArn").GetString());

        await aws.Ok("eks", "associate-access-policy", "--cluster-name", "paths", "--principal-arn", role, "--policy-arn", ViewPolicy,
            "--access-scope", "type=namespace,namespaces=default");
        await aws.Ok("eks", "disassociate-access-policy", "--cluster-name", "paths", "--principal-arn", role, "--policy-arn", ViewPolicy);
        // The ARN without its path is another principal: no such entry (and no such IAM role).
        Assert.Equal(Error("ResourceNotFoundException", "DescribeAccessEntry", NotFound),
            await aws.Fails("eks", "describe-access-entry", "--cluster-name", "paths", "--principal-arn", IamArn("role/deployer")));
        Assert.Equal(Error("InvalidParameterException", "CreateAccessEntry", "The specified principalArn is invalid: invalid principal."),
            await aws.Fails("eks", "create-access-entry", "--cluster-name", "paths", "--principal-arn", IamArn("role/deployer")));
        await aws.Ok("eks", "delete-access-entry", "--cluster-name", "paths", "--principal-arn", role);
        Assert.DoesNotContain(role, Strings((await aws.Ok("eks", "list-access-entries", "--cluster-name", "paths")).GetProperty("accessEntries")));
    }

    [AwsCliFact]
    public async Task The_cli_paginator_pages_through_every_list()
    {
        await aws.CreateCluster("pages", "API");
        var expected = new List<string> { ServiceLinkedRole, IamArn("user/admin") };
        foreach (var name in new[] { "page-a", "page-b", "page-c" })
        {
            var arn = await aws.CreateUser(name);
            await aws.Ok("eks", "create-access-entry", "--cluster-name", "pages", "--principal-arn", arn);
            expected.Add(arn);
        }
        expected.Sort(StringComparer.Ordinal);

        // --max-items: the CLI stops after two items and hands out its own resume token.
        var first = await aws.Ok("eks", "list-access-entries", "--cluster-name", "pages", "--max-items", "2");
        Assert.Equal(expected.Take(2), Strings(first.GetProperty("accessEntries")));
        var token = first.GetProperty("NextToken").GetString()!;
        var rest = await aws.Ok("eks", "list-access-entries", "--cluster-name", "pages", "--max-items", "2", "--starting-token", token);
        Assert.Equal(expected.Skip(2).Take(2), Strings(rest.GetProperty("accessEntries")));
        var last = await aws.Ok("eks", "list-access-entries", "--cluster-name", "pages", "--starting-token", rest.GetProperty("NextToken").GetString()!);
        Assert.Equal(expected.Skip(4), Strings(last.GetProperty("accessEntries")));
        Assert.False(last.TryGetProperty("NextToken", out _));

        // --page-size: one request per two items (three here), all merged into one answer.
        var paged = await aws.RunAsync("eks", "list-access-entries", "--cluster-name", "pages", "--page-size", "2", "--debug");
        paged.EnsureSuccess();
        Assert.Equal(expected, Strings(paged.Json.GetProperty("accessEntries")));
        Assert.Equal(3, CountRequests(paged.Stderr, "ListAccessEntries"));

        var catalogue = AccessPolicyCatalog.All.Select(p => p.Name).ToArray();
        var pagedPolicies = await aws.RunAsync("eks", "list-access-policies", "--page-size", "10", "--debug");
        pagedPolicies.EnsureSuccess();
        Assert.Equal(catalogue, pagedPolicies.Json.GetProperty("accessPolicies").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal((catalogue.Length + 9) / 10, CountRequests(pagedPolicies.Stderr, "ListAccessPolicies"));
        var firstPolicies = await aws.Ok("eks", "list-access-policies", "--max-items", "3");
        Assert.Equal(catalogue.Take(3), firstPolicies.GetProperty("accessPolicies").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        var clusters = await aws.RunAsync("eks", "list-clusters", "--page-size", "1", "--debug");
        clusters.EnsureSuccess();
        var clusterNames = Strings(clusters.Json.GetProperty("clusters"));
        Assert.Contains("pages", clusterNames);
        Assert.Equal(clusterNames.Length, CountRequests(clusters.Stderr, "ListClusters"));

        await aws.Ok("eks", "associate-access-policy", "--cluster-name", "pages", "--principal-arn", IamArn("user/page-a"), "--policy-arn", ViewPolicy,
            "--access-scope", "type=cluster");
        await aws.Ok("eks", "associate-access-policy", "--cluster-name", "pages", "--principal-arn", IamArn("user/page-a"), "--policy-arn", EditPolicy,
            "--access-scope", "type=cluster");
        var associations = await aws.RunAsync("eks", "list-associated-access-policies", "--cluster-name", "pages", "--principal-arn", IamArn("user/page-a"),
            "--page-size", "1", "--debug");
        associations.EnsureSuccess();
        Assert.Equal([EditPolicy, ViewPolicy], associations.Json.GetProperty("associatedAccessPolicies").EnumerateArray().Select(p => p.GetProperty("policyArn").GetString()));
        Assert.Equal(IamArn("user/page-a"), associations.Json.GetProperty("principalArn").GetString());
        Assert.Equal(2, CountRequests(associations.Stderr, "ListAssociatedAccessPolicies"));

        Assert.Equal(Error("InvalidParameterException", "ListAccessEntries", "The nextToken provided is invalid."),
            await aws.Fails("eks", "list-access-entries", "--cluster-name", "pages", "--no-paginate", "--next-token", "bogus"));
    }

    /// <summary>How many HTTP requests for <paramref name="operation"/> the CLI's debug log shows.</summary>
    private static int CountRequests(string debugLog, string operation) =>
        debugLog.Split('\n').Count(line => line.Contains($"Making request for OperationModel(name={operation})", StringComparison.Ordinal));
}
