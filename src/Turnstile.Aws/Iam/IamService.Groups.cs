using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    private void RegisterGroups()
    {
        string GroupResource(OperationInput i, OperationContext _) => _state.GroupArn(i.Required("GroupName"));
        Add("CreateGroup", (i, _) => Arns.Group(i.Path(), i.Required("GroupName")), CreateGroup);
        Add("GetGroup", GroupResource, GetGroup);
        Add("ListGroups", (i, _) => Arns.Group(i.String("PathPrefix") ?? "/", ""), ListGroups);
        Add("UpdateGroup", GroupResource, UpdateGroup);
        Add("DeleteGroup", GroupResource, DeleteGroup);
        Add("AddUserToGroup", GroupResource, AddUserToGroup);
        Add("RemoveUserFromGroup", GroupResource, RemoveUserFromGroup);
        Add("ListGroupsForUser", (i, _) => _state.UserArn(i.Required("UserName")), ListGroupsForUser);
    }

    private JsonObject CreateGroup(OperationInput input, OperationContext context)
    {
        var name = input.Required("GroupName");
        if (_state.FindGroup(name) is not null) throw IamErrors.AlreadyExists($"Group with name {name} already exists.");
        var group = new GroupRecord { GroupId = IamIds.NewGroupId(), GroupName = name, Path = input.Path(), CreateDate = context.Now };
        Save(group);
        return Result("Group", IamShapes.Group(group, Arns));
    }

    private JsonObject GetGroup(OperationInput input, OperationContext context)
    {
        var group = _state.GetGroup(input.Required("GroupName"));
        var members = group.MemberUserIds.Select(_state.UserById).OfType<UserRecord>();
        var output = Result("Group", IamShapes.Group(group, Arns));
        return Paging.Page(output, "Users", members, u => Paging.NameKey(u.UserName), u => IamShapes.User(u, Arns, full: false), input);
    }

    private JsonObject ListGroups(OperationInput input, OperationContext context)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var groups = _state.Groups.Values.Where(g => g.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "Groups", groups, g => Paging.NameKey(g.GroupName), g => IamShapes.Group(g, Arns), input);
    }

    private JsonObject UpdateGroup(OperationInput input, OperationContext context)
    {
        var group = _state.GetGroup(input.Required("GroupName"));
        var newName = input.String("NewGroupName") ?? group.GroupName;
        if (!string.Equals(newName, group.GroupName, StringComparison.OrdinalIgnoreCase) && _state.FindGroup(newName) is not null)
            throw IamErrors.AlreadyExists($"Group with name {newName} already exists.");
        var tx = _state.Begin();
        tx.Delete(_state.Groups, group.GroupName);
        tx.Put(_state.Groups, newName, group with { GroupName = newName, Path = input.String("NewPath") ?? group.Path });
        _state.Commit(tx);
        return Empty();
    }

    private JsonObject DeleteGroup(OperationInput input, OperationContext context)
    {
        var group = _state.GetGroup(input.Required("GroupName"));
        if (group.MemberUserIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove users from group first.");
        if (group.AttachedPolicyArns.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must detach all policies first.");
        if (group.InlinePolicies.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete policies first.");
        var tx = _state.Begin();
        tx.Delete(_state.Groups, group.GroupName);
        _state.Commit(tx);
        return Empty();
    }

    private JsonObject AddUserToGroup(OperationInput input, OperationContext context)
    {
        var group = _state.GetGroup(input.Required("GroupName"));
        var user = _state.GetUser(input.Required("UserName"));
        if (group.MemberUserIds.Contains(user.UserId)) return Empty();
        if (_state.GroupsOf(user.UserId).Count() >= IamState.GroupsPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for GroupsPerUser: {IamState.GroupsPerUser}");
        Save(group with { MemberUserIds = [.. group.MemberUserIds, user.UserId] });
        return Empty();
    }

    private JsonObject RemoveUserFromGroup(OperationInput input, OperationContext context)
    {
        var group = _state.GetGroup(input.Required("GroupName"));
        var user = _state.GetUser(input.Required("UserName"));
        if (!group.MemberUserIds.Contains(user.UserId)) throw IamErrors.NoSuchUser(user.UserName);
        Save(group with { MemberUserIds = group.MemberUserIds.Where(id => id != user.UserId).ToArray() });
        return Empty();
    }

    private JsonObject ListGroupsForUser(OperationInput input, OperationContext context)
    {
        var user = _state.GetUser(input.Required("UserName"));
        return Paging.Page(Empty(), "Groups", _state.GroupsOf(user.UserId), g => Paging.NameKey(g.GroupName), g => IamShapes.Group(g, Arns), input);
    }
}
