using System.Text.Json.Nodes;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    private void RegisterGroups()
    {
        static string GroupResource(OperationInput i, OperationContext _, IamState s) => s.GroupArn(i.Required("GroupName"));
        Add("CreateGroup", (i, _, _) => Arns.Group(i.Path(), i.Required("GroupName")), CreateGroup);
        Add("GetGroup", GroupResource, GetGroup);
        Add("ListGroups", (i, _, _) => Arns.Group(i.String("PathPrefix") ?? "/", ""), ListGroups);
        Add("UpdateGroup", GroupResource, UpdateGroup);
        Add("DeleteGroup", GroupResource, DeleteGroup);
        Add("AddUserToGroup", GroupResource, AddUserToGroup);
        Add("RemoveUserFromGroup", GroupResource, RemoveUserFromGroup);
        Add("ListGroupsForUser", (i, _, s) => s.UserArn(i.Required("UserName")), ListGroupsForUser);
    }

    private JsonObject CreateGroup(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.Required("GroupName");
        if (state.FindGroup(name) is not null) throw IamErrors.AlreadyExists($"Group with name {name} already exists.");
        var group = new GroupRecord { GroupId = IamIds.NewGroupId(), GroupName = name, Path = input.Path(), CreateDate = context.Now };
        state.CreateGroup(group);
        return Result("Group", IamShapes.Group(group, Arns));
    }

    private JsonObject GetGroup(OperationInput input, OperationContext context, IamState state)
    {
        var group = state.GetGroup(input.Required("GroupName"));
        var members = group.MemberUserIds.Select(state.UserById).OfType<UserRecord>();
        var output = Result("Group", IamShapes.Group(group, Arns));
        return Paging.Page(output, "Users", members, u => Paging.NameKey(u.UserName), u => IamShapes.User(u, Arns, full: false), input);
    }

    private JsonObject ListGroups(OperationInput input, OperationContext context, IamState state)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var groups = state.All<GroupRecord>(IamKeys.Groups).Where(g => g.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "Groups", groups, g => Paging.NameKey(g.GroupName), g => IamShapes.Group(g, Arns), input);
    }

    private JsonObject UpdateGroup(OperationInput input, OperationContext context, IamState state)
    {
        var group = state.GetGroup(input.Required("GroupName"));
        var newName = input.String("NewGroupName") ?? group.GroupName;
        if (!string.Equals(newName, group.GroupName, StringComparison.OrdinalIgnoreCase) && state.FindGroup(newName) is not null)
            throw IamErrors.AlreadyExists($"Group with name {newName} already exists.");
        state.RenameGroup(group, group with { GroupName = newName, Path = input.String("NewPath") ?? group.Path });
        return Empty();
    }

    private JsonObject DeleteGroup(OperationInput input, OperationContext context, IamState state)
    {
        var group = state.GetGroup(input.Required("GroupName"));
        if (group.MemberUserIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove users from group first.");
        if (group.AttachedPolicyArns.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must detach all policies first.");
        if (group.InlinePolicies.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete policies first.");
        state.DeleteGroup(group);
        return Empty();
    }

    private JsonObject AddUserToGroup(OperationInput input, OperationContext context, IamState state)
    {
        var group = state.GetGroup(input.Required("GroupName"));
        var user = state.GetUser(input.Required("UserName"));
        if (group.MemberUserIds.Contains(user.UserId)) return Empty();
        if (user.GroupIds.Count >= IamAccount.GroupsPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for GroupsPerUser: {IamAccount.GroupsPerUser}");
        state.SaveGroup(group with { MemberUserIds = [.. group.MemberUserIds, user.UserId] });
        state.SaveUser(user with { GroupIds = [.. user.GroupIds, group.GroupId] });
        return Empty();
    }

    private JsonObject RemoveUserFromGroup(OperationInput input, OperationContext context, IamState state)
    {
        var group = state.GetGroup(input.Required("GroupName"));
        var user = state.GetUser(input.Required("UserName"));
        if (!group.MemberUserIds.Contains(user.UserId)) throw IamErrors.NoSuchUser(user.UserName);
        state.SaveGroup(group with { MemberUserIds = group.MemberUserIds.Where(id => id != user.UserId).ToArray() });
        state.SaveUser(user with { GroupIds = user.GroupIds.Where(id => id != group.GroupId).ToArray() });
        return Empty();
    }

    private JsonObject ListGroupsForUser(OperationInput input, OperationContext context, IamState state)
    {
        var user = state.GetUser(input.Required("UserName"));
        return Paging.Page(Empty(), "Groups", state.GroupsOf(user), g => Paging.NameKey(g.GroupName), g => IamShapes.Group(g, Arns), input);
    }
}
