using System.Globalization;
using System.Text.Json.Nodes;
using Turnstile.Core.Iam.Policies;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    private void RegisterPolicies()
    {
        Add("CreatePolicy", (i, _, _) => Arns.Policy(PolicyPath(i), i.Required("PolicyName")), CreatePolicy, (i, _, _) => RequestTagKeys(i.Tags()));
        Add("GetPolicy", PolicyResource, GetPolicy, PolicyTags);
        Add("ListPolicies", Everything, ListPolicies);
        Add("DeletePolicy", PolicyResource, DeletePolicy, PolicyTags);
        Add("CreatePolicyVersion", PolicyResource, CreatePolicyVersion, PolicyTags);
        Add("GetPolicyVersion", PolicyResource, GetPolicyVersion, PolicyTags);
        Add("ListPolicyVersions", PolicyResource, ListPolicyVersions, PolicyTags);
        Add("DeletePolicyVersion", PolicyResource, DeletePolicyVersion, PolicyTags);
        Add("SetDefaultPolicyVersion", PolicyResource, SetDefaultPolicyVersion, PolicyTags);
        Add("ListEntitiesForPolicy", PolicyResource, ListEntitiesForPolicy, PolicyTags);
    }

    private static string PolicyPath(OperationInput input) => input.String("Path") ?? "/";

    private static string PolicyResource(OperationInput input, OperationContext context, IamState state) => input.Required("PolicyArn");

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? PolicyTags(OperationInput input, OperationContext context, IamState state)
    {
        try
        {
            return state.TryResolvePolicy(input.Required("PolicyArn"), out var policy) ? ResourceTagKeys(policy.Customer?.Tags) : null;
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }

    /// <summary>An existing managed policy (AWS or customer) or NoSuchEntity.</summary>
    private static ManagedPolicyRef ExistingPolicy(IamState state, string arn) => state.TryResolvePolicy(arn, out var policy) ? policy : throw IamErrors.NoSuchPolicy(arn);

    /// <summary>A customer managed policy to change; AWS managed policies belong to another account and cannot be changed.</summary>
    private static ManagedPolicyRecord ChangeablePolicy(IamState state, string arn, string operation, OperationContext context)
    {
        var policy = ExistingPolicy(state, arn);
        return policy.Customer ?? throw IamErrors.AccessDenied(
            $"User: {context.Caller.Arn} is not authorized to perform: iam:{operation} on resource: policy {policy.Arn}");
    }

    private static string CheckIdentityDocument(string document)
    {
        var parsed = PolicyParser.Parse(document, PolicyKind.Identity);
        if (!parsed.IsValid) throw IamErrors.From(parsed.Error);
        return document;
    }

    private static string CheckManagedDocument(string document)
    {
        CheckIdentityDocument(document);
        if (PolicyQuotas.CheckManaged(document) is { } quota) throw IamErrors.From(quota);
        return document;
    }

    private static JsonObject PolicyShape(IamState state, ManagedPolicyRef policy, bool full)
    {
        var usage = state.UsageOf(policy.Arn);
        return policy.Aws is { } aws
            ? IamShapes.Policy(aws, state.Partition, usage.Attached.Count, usage.Boundary.Count, full)
            : IamShapes.Policy(policy.Customer!, usage.Attached.Count, usage.Boundary.Count, full);
    }

    private JsonObject CreatePolicy(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.Required("PolicyName");
        var path = PolicyPath(input);
        var document = CheckManagedDocument(input.Required("PolicyDocument"));
        var tags = input.Tags();
        if (state.FindPolicy(name) is not null) throw IamErrors.AlreadyExists($"A policy called {name} already exists. Duplicate names are not allowed.");

        var policy = new ManagedPolicyRecord
        {
            PolicyId = IamIds.NewPolicyId(),
            PolicyName = name,
            Path = path,
            Arn = Arns.Policy(path, name),
            Description = input.String("Description"),
            CreateDate = context.Now,
            UpdateDate = context.Now,
            DefaultVersionId = "v1",
            Versions = [new PolicyVersionRecord("v1", document, context.Now)],
            Tags = tags,
        };
        state.CreatePolicy(policy);
        return Result("Policy", IamShapes.Policy(policy, 0, 0, full: true));
    }

    private JsonObject GetPolicy(OperationInput input, OperationContext context, IamState state) =>
        Result("Policy", PolicyShape(state, ExistingPolicy(state, input.Required("PolicyArn")), full: true));

    private JsonObject ListPolicies(OperationInput input, OperationContext context, IamState state)
    {
        var scope = input.String("Scope") ?? "All";
        var onlyAttached = input.Bool("OnlyAttached") ?? false;
        var usage = input.String("PolicyUsageFilter");
        var prefix = input.String("PathPrefix") ?? "/";

        var usages = new Dictionary<string, PolicyUsageRecord>(StringComparer.OrdinalIgnoreCase);
        int Attached(string arn) => Usage(arn).Attached.Count;
        int Bounding(string arn) => Usage(arn).Boundary.Count;
        PolicyUsageRecord Usage(string arn)
        {
            if (!usages.TryGetValue(arn, out var usage)) usages[arn] = usage = state.UsageOf(arn);
            return usage;
        }

        var candidates = new List<(string Key, ManagedPolicyRef Policy)>();
        if (scope is "All" or "AWS")
        {
            foreach (var aws in AwsManagedPolicies.All)
                candidates.Add((Paging.NameKey(aws.Name) + "\u0001" + aws.Arn, new ManagedPolicyRef(aws.ArnIn(state.Partition), aws, null)));
        }
        if (scope is "All" or "Local")
        {
            foreach (var local in state.All<ManagedPolicyRecord>(IamKeys.Policies))
                candidates.Add((Paging.NameKey(local.PolicyName) + "\u0001" + local.Arn, new ManagedPolicyRef(local.Arn, null, local)));
        }

        var selected = candidates.Where(c =>
        {
            if (!c.Policy.Path.StartsWith(prefix, StringComparison.Ordinal)) return false;
            if (!onlyAttached) return true;
            var attached = Attached(c.Policy.Arn);
            var bounding = Bounding(c.Policy.Arn);
            return usage switch
            {
                "PermissionsPolicy" => attached > 0,
                "PermissionsBoundary" => bounding > 0,
                _ => attached + bounding > 0,
            };
        });
        return Paging.Page(Empty(), "Policies", selected, c => c.Key, c => c.Policy.Aws is { } aws
            ? IamShapes.Policy(aws, state.Partition, Attached(c.Policy.Arn), Bounding(c.Policy.Arn), full: false)
            : IamShapes.Policy(c.Policy.Customer!, Attached(c.Policy.Arn), Bounding(c.Policy.Arn), full: false), input);
    }

    private JsonObject DeletePolicy(OperationInput input, OperationContext context, IamState state)
    {
        var policy = ChangeablePolicy(state, input.Required("PolicyArn"), "DeletePolicy", context);
        if (!state.UsageOf(policy.Arn).IsEmpty)
            throw IamErrors.DeleteConflict("Cannot delete a policy attached to entities.");
        if (policy.Versions.Count > 1)
            throw IamErrors.DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
        state.DeletePolicy(policy);
        return Empty();
    }

    private JsonObject CreatePolicyVersion(OperationInput input, OperationContext context, IamState state)
    {
        var policy = ChangeablePolicy(state, input.Required("PolicyArn"), "CreatePolicyVersion", context);
        var document = CheckManagedDocument(input.Required("PolicyDocument"));
        if (policy.Versions.Count >= IamAccount.VersionsPerPolicy)
            throw IamErrors.LimitExceeded(
                "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");

        var version = new PolicyVersionRecord("v" + policy.NextVersion.ToString(CultureInfo.InvariantCulture), document, context.Now);
        var setAsDefault = input.Bool("SetAsDefault") ?? false;
        var updated = policy with
        {
            Versions = [.. policy.Versions, version],
            NextVersion = policy.NextVersion + 1,
            DefaultVersionId = setAsDefault ? version.VersionId : policy.DefaultVersionId,
            UpdateDate = context.Now,
        };
        state.SavePolicy(updated);
        return Result("PolicyVersion", IamShapes.PolicyVersion(version, setAsDefault, withDocument: false));
    }

    /// <summary>The versions of a policy; an AWS managed policy shows only its default version.</summary>
    private static IReadOnlyList<PolicyVersionRecord> VersionsOf(ManagedPolicyRef policy, out string defaultVersion)
    {
        if (policy.Customer is { } customer)
        {
            defaultVersion = customer.DefaultVersionId;
            return customer.Versions;
        }
        var aws = policy.Aws!;
        defaultVersion = aws.DefaultVersionId;
        return [new PolicyVersionRecord(aws.DefaultVersionId, aws.Document, aws.UpdateDate)];
    }

    private JsonObject GetPolicyVersion(OperationInput input, OperationContext context, IamState state)
    {
        var arn = input.Required("PolicyArn");
        var versionId = input.Required("VersionId");
        var policy = ExistingPolicy(state, arn);
        var version = VersionsOf(policy, out var defaultVersion).FirstOrDefault(v => v.VersionId == versionId)
                      ?? throw IamErrors.NoSuchPolicyVersion(arn, versionId);
        return Result("PolicyVersion", IamShapes.PolicyVersion(version, version.VersionId == defaultVersion, withDocument: true));
    }

    private JsonObject ListPolicyVersions(OperationInput input, OperationContext context, IamState state)
    {
        var policy = ExistingPolicy(state, input.Required("PolicyArn"));
        var versions = VersionsOf(policy, out var defaultVersion);
        // Newest first, as IAM lists them.
        return Paging.Page(Empty(), "Versions", versions, v => (int.MaxValue - VersionNumber(v.VersionId)).ToString("D10", CultureInfo.InvariantCulture),
            v => IamShapes.PolicyVersion(v, v.VersionId == defaultVersion, withDocument: false), input);
    }

    private static int VersionNumber(string versionId) =>
        int.TryParse(versionId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private JsonObject DeletePolicyVersion(OperationInput input, OperationContext context, IamState state)
    {
        var arn = input.Required("PolicyArn");
        var versionId = input.Required("VersionId");
        var policy = ChangeablePolicy(state, arn, "DeletePolicyVersion", context);
        if (policy.Versions.All(v => v.VersionId != versionId)) throw IamErrors.NoSuchPolicyVersion(arn, versionId);
        if (policy.DefaultVersionId == versionId) throw IamErrors.DeleteConflict("Cannot delete the default version of a policy.");
        var remaining = policy.Versions.Where(v => v.VersionId != versionId).ToArray();
        state.SavePolicy(policy with { Versions = remaining, UpdateDate = remaining.Max(v => v.CreateDate) });
        return Empty();
    }

    private JsonObject SetDefaultPolicyVersion(OperationInput input, OperationContext context, IamState state)
    {
        var arn = input.Required("PolicyArn");
        var versionId = input.Required("VersionId");
        var policy = ChangeablePolicy(state, arn, "SetDefaultPolicyVersion", context);
        if (policy.Versions.All(v => v.VersionId != versionId)) throw IamErrors.NoSuchPolicyVersion(arn, versionId);
        if (policy.DefaultVersionId != versionId) state.SavePolicy(policy with { DefaultVersionId = versionId });
        return Empty();
    }

    private JsonObject ListEntitiesForPolicy(OperationInput input, OperationContext context, IamState state)
    {
        var policy = ExistingPolicy(state, input.Required("PolicyArn"));
        var filter = input.String("EntityFilter");
        var boundary = input.String("PolicyUsageFilter") == "PermissionsBoundary";
        var prefix = input.String("PathPrefix") ?? "/";
        var usage = state.UsageOf(policy.Arn);
        var entities = new List<(string Key, string Kind, JsonObject Shape)>();
        foreach (var entity in boundary ? usage.Boundary : usage.Attached)
        {
            switch (entity.Kind)
            {
                case EntityKinds.User when filter is null or "User" && state.UserById(entity.Id) is { } u && u.Path.StartsWith(prefix, StringComparison.Ordinal):
                    entities.Add(("1" + Paging.NameKey(u.UserName), "PolicyUsers", new JsonObject { ["UserName"] = u.UserName, ["UserId"] = u.UserId }));
                    break;
                case EntityKinds.Role when filter is null or "Role" && state.RoleById(entity.Id) is { } r && r.Path.StartsWith(prefix, StringComparison.Ordinal):
                    entities.Add(("2" + Paging.NameKey(r.RoleName), "PolicyRoles", new JsonObject { ["RoleName"] = r.RoleName, ["RoleId"] = r.RoleId }));
                    break;
                case EntityKinds.Group when filter is null or "Group" && state.GroupById(entity.Id) is { } g && g.Path.StartsWith(prefix, StringComparison.Ordinal):
                    entities.Add(("0" + Paging.NameKey(g.GroupName), "PolicyGroups", new JsonObject { ["GroupName"] = g.GroupName, ["GroupId"] = g.GroupId }));
                    break;
            }
        }

        // One marker pages through groups, users and roles together; each page is split back into the three lists.
        var page = Paging.Page(Empty(), "Entities", entities, e => e.Key, e => new JsonObject { ["Kind"] = e.Kind, ["Shape"] = e.Shape.DeepClone() }, input);
        var output = new JsonObject { ["PolicyGroups"] = new JsonArray(), ["PolicyUsers"] = new JsonArray(), ["PolicyRoles"] = new JsonArray() };
        foreach (var entity in page["Entities"]!.AsArray().OfType<JsonObject>())
            output[entity["Kind"]!.GetValue<string>()]!.AsArray().Add(entity["Shape"]!.DeepClone());
        output["IsTruncated"] = page["IsTruncated"]!.DeepClone();
        if (page["Marker"] is { } marker) output["Marker"] = marker.DeepClone();
        return output;
    }
}
