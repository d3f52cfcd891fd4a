using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    private void RegisterAccessKeys()
    {
        Add("CreateAccessKey", UserOrCaller, CreateAccessKey, UserTags);
        Add("ListAccessKeys", UserOrCaller, ListAccessKeys, UserTags);
        Add("UpdateAccessKey", UserOrCaller, UpdateAccessKey, UserTags);
        Add("DeleteAccessKey", UserOrCaller, DeleteAccessKey, UserTags);
        Add("GetAccessKeyLastUsed", (i, _, s) => KeyOwnerArn(s, i.Required("AccessKeyId")), GetAccessKeyLastUsed);
    }

    private static string KeyOwnerArn(IamState state, string accessKeyId)
    {
        if (state.FindAccessKey(accessKeyId) is not { } key) return "*";
        if (key.UserId is null) return state.Arns.Root;
        return state.UserById(key.UserId) is { } user ? state.Arns.User(user.Path, user.UserName) : "*";
    }

    private JsonObject CreateAccessKey(OperationInput input, OperationContext context, IamState state)
    {
        var user = TargetUser(input, context, state);
        if (state.KeysOf(user).Count() >= IamAccount.AccessKeysPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for AccessKeysPerUser: {IamAccount.AccessKeysPerUser}");

        var key = new AccessKeyRecord
        {
            AccessKeyId = IamIds.NewAccessKeyId(state.AccountId),
            SecretAccessKey = IamIds.NewSecretAccessKey(),
            UserId = user?.UserId,
            Status = AccessKeyStatus.Active,
            CreateDate = context.Now,
        };
        state.CreateAccessKey(key, user);

        var shape = new JsonObject();
        if (user is not null) shape["UserName"] = user.UserName;
        shape["AccessKeyId"] = key.AccessKeyId;
        shape["Status"] = key.Status;
        shape["SecretAccessKey"] = key.SecretAccessKey;
        shape["CreateDate"] = IamShapes.Date(key.CreateDate);
        return Result("AccessKey", shape);
    }

    private JsonObject ListAccessKeys(OperationInput input, OperationContext context, IamState state)
    {
        var user = TargetUser(input, context, state);
        return Paging.Page(Empty(), "AccessKeyMetadata", state.KeysOf(user),
            k => IamShapes.Date(k.CreateDate) + k.AccessKeyId,
            k => IamShapes.AccessKeyMetadata(k, user?.UserName), input);
    }

    /// <summary>The caller's (or the named user's) key; another user's key is reported as not found.</summary>
    private static (AccessKeyRecord Key, UserRecord? Owner) OwnKey(OperationInput input, OperationContext context, IamState state)
    {
        var user = TargetUser(input, context, state);
        var id = input.Required("AccessKeyId");
        return state.FindAccessKey(id) is { } key && key.UserId == user?.UserId ? (key, user) : throw IamErrors.NoSuchAccessKey(id);
    }

    private JsonObject UpdateAccessKey(OperationInput input, OperationContext context, IamState state)
    {
        var status = input.Required("Status");
        if (status is not (AccessKeyStatus.Active or AccessKeyStatus.Inactive))
            throw IamErrors.Validation($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]");
        var (key, _) = OwnKey(input, context, state);
        if (key.Status != status) state.SaveAccessKey(key with { Status = status });
        return Empty();
    }

    private JsonObject DeleteAccessKey(OperationInput input, OperationContext context, IamState state)
    {
        var (key, owner) = OwnKey(input, context, state);
        state.DeleteAccessKey(key, owner);
        return Empty();
    }

    private JsonObject GetAccessKeyLastUsed(OperationInput input, OperationContext context, IamState state)
    {
        var id = input.Required("AccessKeyId");
        if (state.FindAccessKey(id) is not { } key) throw IamErrors.NoSuchAccessKey(id);
        var output = new JsonObject();
        if (key.UserId is not null && state.UserById(key.UserId) is { } user) output["UserName"] = user.UserName;
        var lastUsed = new JsonObject();
        if (_account.KeyUsage(id) is { } usage)
        {
            lastUsed["LastUsedDate"] = IamShapes.Date(usage.When);
            lastUsed["ServiceName"] = usage.Service;
            lastUsed["Region"] = usage.Region;
        }
        else
        {
            // IAM's answer for a key that has never been used.
            lastUsed["ServiceName"] = "N/A";
            lastUsed["Region"] = "N/A";
        }
        output["AccessKeyLastUsed"] = lastUsed;
        return output;
    }
}
