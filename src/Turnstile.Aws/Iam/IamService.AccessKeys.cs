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
        Add("GetAccessKeyLastUsed", (i, _) => KeyOwnerArn(i.Required("AccessKeyId")), GetAccessKeyLastUsed);
    }

    private string KeyOwnerArn(string accessKeyId)
    {
        if (!_state.AccessKeys.TryGet(accessKeyId, out var key)) return "*";
        if (key.UserId is null) return Arns.Root;
        return _state.UserById(key.UserId) is { } user ? Arns.User(user.Path, user.UserName) : "*";
    }

    private JsonObject CreateAccessKey(OperationInput input, OperationContext context)
    {
        var user = TargetUser(input, context);
        if (_state.KeysOf(user?.UserId).Count() >= IamState.AccessKeysPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for AccessKeysPerUser: {IamState.AccessKeysPerUser}");

        var key = new AccessKeyRecord
        {
            AccessKeyId = IamIds.NewAccessKeyId(_state.AccountId),
            SecretAccessKey = IamIds.NewSecretAccessKey(),
            UserId = user?.UserId,
            Status = AccessKeyStatus.Active,
            CreateDate = context.Now,
        };
        var tx = _state.Begin();
        tx.Put(_state.AccessKeys, key.AccessKeyId, key);
        _state.Commit(tx);

        var shape = new JsonObject();
        if (user is not null) shape["UserName"] = user.UserName;
        shape["AccessKeyId"] = key.AccessKeyId;
        shape["Status"] = key.Status;
        shape["SecretAccessKey"] = key.SecretAccessKey;
        shape["CreateDate"] = IamShapes.Date(key.CreateDate);
        return Result("AccessKey", shape);
    }

    private JsonObject ListAccessKeys(OperationInput input, OperationContext context)
    {
        var user = TargetUser(input, context);
        var keys = _state.KeysOf(user?.UserId);
        return Paging.Page(Empty(), "AccessKeyMetadata", keys,
            k => IamShapes.Date(k.CreateDate) + k.AccessKeyId,
            k => IamShapes.AccessKeyMetadata(k, user?.UserName), input);
    }

    /// <summary>The caller's (or the named user's) key; another user's key is reported as not found.</summary>
    private AccessKeyRecord OwnKey(OperationInput input, OperationContext context)
    {
        var user = TargetUser(input, context);
        var id = input.Required("AccessKeyId");
        return _state.AccessKeys.TryGet(id, out var key) && key.UserId == user?.UserId ? key : throw IamErrors.NoSuchAccessKey(id);
    }

    private JsonObject UpdateAccessKey(OperationInput input, OperationContext context)
    {
        var status = input.Required("Status");
        if (status is not (AccessKeyStatus.Active or AccessKeyStatus.Inactive))
            throw IamErrors.Validation($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]");
        var key = OwnKey(input, context);
        if (key.Status != status)
        {
            var tx = _state.Begin();
            tx.Put(_state.AccessKeys, key.AccessKeyId, key with { Status = status });
            _state.Commit(tx);
        }
        return Empty();
    }

    private JsonObject DeleteAccessKey(OperationInput input, OperationContext context)
    {
        var key = OwnKey(input, context);
        var tx = _state.Begin();
        tx.Delete(_state.AccessKeys, key.AccessKeyId);
        _state.Commit(tx);
        return Empty();
    }

    private JsonObject GetAccessKeyLastUsed(OperationInput input, OperationContext context)
    {
        var id = input.Required("AccessKeyId");
        if (!_state.AccessKeys.TryGet(id, out var key)) throw IamErrors.NoSuchAccessKey(id);
        var output = new JsonObject();
        if (key.UserId is not null && _state.UserById(key.UserId) is { } user) output["UserName"] = user.UserName;
        var lastUsed = new JsonObject();
        if (_state.KeyUsage(id) is { } usage)
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
