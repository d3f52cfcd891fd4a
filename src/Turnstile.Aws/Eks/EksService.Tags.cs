using System.Text.Json.Nodes;
using Turnstile.Core.Arns;
using Turnstile.State;

namespace Turnstile.Aws.Eks;

// TagResource, UntagResource, ListTagsForResource on clusters, node groups and access entries.
public sealed partial class EksService
{
    private const int MaxTags = 50;

    /// <summary>A taggable resource: its tags and how to store new ones.</summary>
    private sealed record Tagged(IReadOnlyDictionary<string, string> Tags, Action<OptimisticTransaction, IReadOnlyDictionary<string, string>> Save);

    private JsonObject TagResource(Call call)
    {
        var arn = Input.String(call.Input, "resourceArn") ?? throw EksErrors.Error(EksErrors.BadRequest, "resourceArn is required");
        var tags = Input.StringMap(call.Input, "tags") ?? throw EksErrors.Error(EksErrors.BadRequest, "tags is required");
        if (tags.Count == 0) throw EksErrors.Error(EksErrors.BadRequest, "At least one tag must be specified");
        ValidateTags(tags, EksErrors.BadRequest);
        var resource = ResolveTagged(call.Tx, arn);
        var merged = new Dictionary<string, string>(resource.Tags);
        foreach (var (key, value) in tags) merged[key] = value;
        if (merged.Count > MaxTags) throw EksErrors.Error(EksErrors.BadRequest, $"A resource can have at most {MaxTags} tags");
        resource.Save(call.Tx, merged);
        return new JsonObject();
    }

    private JsonObject UntagResource(Call call)
    {
        var arn = Input.String(call.Input, "resourceArn") ?? throw EksErrors.Error(EksErrors.BadRequest, "resourceArn is required");
        var keys = Input.StringList(call.Input, "tagKeys") ?? throw EksErrors.Error(EksErrors.BadRequest, "tagKeys is required");
        if (keys.Count == 0) throw EksErrors.Error(EksErrors.BadRequest, "At least one tag key must be specified");
        var resource = ResolveTagged(call.Tx, arn);
        var remaining = resource.Tags.Where(t => !keys.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value);
        if (remaining.Count != resource.Tags.Count) resource.Save(call.Tx, remaining);
        return new JsonObject();
    }

    private JsonObject ListTagsForResource(Call call)
    {
        var arn = Input.String(call.Input, "resourceArn") ?? throw EksErrors.Error(EksErrors.BadRequest, "resourceArn is required");
        return new JsonObject { ["tags"] = Output.Map(ResolveTagged(call.Tx, arn).Tags) };
    }

    private Tagged ResolveTagged(OptimisticTransaction tx, string resourceArn)
    {
        if (!Arn.TryParse(resourceArn, out var arn, out _) || arn.Service != "eks")
            throw EksErrors.Error(EksErrors.BadRequest, $"Invalid resource ARN: {resourceArn}");
        var parts = arn.Resource.Split('/');
        var ours = arn.Partition == Options.Partition && arn.Region == Options.Region && arn.Account == Options.AccountId;
        switch (parts[0])
        {
            case "cluster" when parts.Length == 2:
                if (ours && FindCluster(tx, parts[1]) is { } cluster)
                    return new Tagged(cluster.Tags, (t, tags) => SaveCluster(t, cluster with { Tags = tags }));
                break;
            case "nodegroup" when parts.Length == 4:
                if (ours && FindNodegroup(tx, parts[1], parts[2]) is { } nodegroup && nodegroup.Arn == resourceArn)
                    return new Tagged(nodegroup.Tags, (t, tags) => SaveNodegroup(t, nodegroup with { Tags = tags }));
                break;
            case "access-entry" when parts.Length == 6:
                if (ours && EntriesOf(tx, parts[1]).FirstOrDefault(e => e.AccessEntryArn == resourceArn) is { } listed &&
                    FindEntry(tx, listed.ClusterName, listed.PrincipalArn) is { } entry)
                    return new Tagged(entry.Tags, (t, tags) => SaveEntry(t, entry with { Tags = tags }));
                break;
            default:
                throw EksErrors.Error(EksErrors.BadRequest, $"Invalid resource ARN: {resourceArn}");
        }
        throw EksErrors.Error(EksErrors.NotFound, $"Resource {resourceArn} was not found");
    }

    /// <summary>The model's tag limits plus AWS's reserved <c>aws:</c> prefix.</summary>
    private static void ValidateTags(IReadOnlyDictionary<string, string> tags, string errorCode)
    {
        if (tags.Count > MaxTags)
            throw EksErrors.Error(errorCode, $"1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MaxTags}");
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128)
                throw EksErrors.Error(errorCode, $"1 validation error detected: Value '{key}' at 'tags' failed to satisfy constraint: Map keys must have length between 1 and 128");
            if (value.Length > 256)
                throw EksErrors.Error(errorCode, $"1 validation error detected: Value '{value}' at 'tags.{key}' failed to satisfy constraint: Member must have length less than or equal to 256");
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw EksErrors.Error(errorCode, $"Tag keys starting with 'aws:' are reserved for AWS use: {key}");
        }
    }
}
