using System.Text.Json.Nodes;
using Turnstile.Core.Arns;

namespace Turnstile.Aws.Iam;

public sealed partial class IamService
{
    private void RegisterUsers()
    {
        Add("CreateUser", (i, _, _) => Arns.User(i.Path(), i.Required("UserName")), CreateUser, (i, _, _) => CreateKeys(i));
        Add("GetUser", UserOrCaller, GetUser, UserTags);
        Add("ListUsers", (i, _, _) => Arns.User(i.String("PathPrefix") ?? "/", ""), ListUsers);
        Add("UpdateUser", (i, _, s) => s.UserArn(i.Required("UserName")), UpdateUser, UserTags);
        Add("DeleteUser", (i, _, s) => s.UserArn(i.Required("UserName")), DeleteUser, UserTags);
        Add("CreateLoginProfile", UserOrCaller, CreateLoginProfile, UserTags);
        Add("GetLoginProfile", UserOrCaller, GetLoginProfile, UserTags);
        Add("UpdateLoginProfile", (i, _, s) => s.UserArn(i.Required("UserName")), UpdateLoginProfile, UserTags);
        Add("DeleteLoginProfile", UserOrCaller, DeleteLoginProfile, UserTags);
    }

    /// <summary>The tags of the user an operation names (or of the calling user), as <c>aws:ResourceTag/*</c> keys.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? UserTags(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.String("UserName") ?? (context.Caller.Type == PrincipalType.User ? context.Caller.PrincipalName : null);
        return ResourceTagKeys(name is null ? null : state.FindUser(name)?.Tags);
    }

    /// <summary>Request tags and the permissions boundary a Create* call asks for, as condition keys.</summary>
    private static Dictionary<string, IReadOnlyList<string>> CreateKeys(OperationInput input)
    {
        var keys = RequestTagKeys(input.Tags());
        if (input.String("PermissionsBoundary") is { } boundary) keys[ContextKeyNames.PermissionsBoundary] = [boundary];
        return keys;
    }

    private JsonObject CreateUser(OperationInput input, OperationContext context, IamState state)
    {
        var name = input.Required("UserName");
        var path = input.Path();
        var tags = input.Tags();
        var boundary = ResolveBoundary(state, input.String("PermissionsBoundary"));
        if (state.FindUser(name) is not null) throw IamErrors.AlreadyExists($"User with name {name} already exists.");

        var user = new UserRecord
        {
            UserId = IamIds.NewUserId(),
            UserName = name,
            Path = path,
            CreateDate = context.Now,
            PermissionsBoundaryArn = boundary,
            Tags = tags,
        };
        state.CreateUser(user);
        state.ChangeBoundary(null, boundary, new EntityRef(EntityKinds.User, user.UserId));
        return Result("User", IamShapes.User(user, Arns, full: true));
    }

    /// <summary>A permissions boundary must name an existing managed policy; returns its canonical ARN.</summary>
    private static string? ResolveBoundary(IamState state, string? arn)
    {
        if (arn is null) return null;
        return state.TryResolvePolicy(arn, out var policy) ? policy.Arn : throw IamErrors.NotAttachable(arn);
    }

    private JsonObject GetUser(OperationInput input, OperationContext context, IamState state)
    {
        if (input.String("UserName") is null && context.Caller.Type == PrincipalType.Root)
        {
            // The root user has no name or path; IAM answers with the account id and root ARN only.
            return Result("User", new JsonObject
            {
                ["UserId"] = state.AccountId,
                ["Arn"] = Arns.Root,
                ["CreateDate"] = IamShapes.Date(state.AccountCreated),
            });
        }
        var user = TargetUser(input, context, state)!;
        return Result("User", IamShapes.User(user, Arns, full: true));
    }

    private JsonObject ListUsers(OperationInput input, OperationContext context, IamState state)
    {
        var prefix = input.String("PathPrefix") ?? "/";
        var users = state.All<UserRecord>(IamKeys.Users).Where(u => u.Path.StartsWith(prefix, StringComparison.Ordinal));
        return Paging.Page(Empty(), "Users", users, u => Paging.NameKey(u.UserName), u => IamShapes.User(u, Arns, full: false), input);
    }

    private JsonObject UpdateUser(OperationInput input, OperationContext context, IamState state)
    {
        var user = state.GetUser(input.Required("UserName"));
        var newName = input.String("NewUserName") ?? user.UserName;
        var newPath = input.String("NewPath") ?? user.Path;
        if (!string.Equals(newName, user.UserName, StringComparison.OrdinalIgnoreCase) && state.FindUser(newName) is not null)
            throw IamErrors.AlreadyExists($"User with name {newName} already exists.");
        state.RenameUser(user, user with { UserName = newName, Path = newPath });
        return Empty();
    }

    private JsonObject DeleteUser(OperationInput input, OperationContext context, IamState state)
    {
        var user = state.GetUser(input.Required("UserName"));
        // IAM reports one blocker at a time; policies come before access keys (observed order), the rest is a guess.
        if (user.InlinePolicies.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete policies first.");
        if (user.AttachedPolicyArns.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must detach all policies first.");
        if (user.AccessKeyIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must delete access keys first.");
        if (user.LoginProfile is not null) throw IamErrors.DeleteConflict("Cannot delete entity, must delete login profile first.");
        if (user.GroupIds.Count > 0) throw IamErrors.DeleteConflict("Cannot delete entity, must remove users from group first.");
        state.ChangeBoundary(user.PermissionsBoundaryArn, null, new EntityRef(EntityKinds.User, user.UserId));
        state.DeleteUser(user);
        return Empty();
    }

    // ---- login profiles (console passwords; the password itself is neither checked nor stored) -----------------------

    private static UserRecord LoginUser(OperationInput input, OperationContext context, IamState state) =>
        TargetUser(input, context, state) ?? throw IamErrors.NonUserCredentials();

    private static JsonObject LoginProfileShape(UserRecord user, LoginProfileRecord profile) => Result("LoginProfile", new JsonObject
    {
        ["UserName"] = user.UserName,
        ["CreateDate"] = IamShapes.Date(profile.CreateDate),
        ["PasswordResetRequired"] = profile.PasswordResetRequired,
    });

    private JsonObject CreateLoginProfile(OperationInput input, OperationContext context, IamState state)
    {
        var user = LoginUser(input, context, state);
        if (input.String("Password") is null) throw IamErrors.NotNull("Password");
        if (user.LoginProfile is not null) throw IamErrors.AlreadyExists($"Login Profile for user {user.UserName} already exists.");
        var profile = new LoginProfileRecord(context.Now, input.Bool("PasswordResetRequired") ?? false);
        state.SaveUser(user with { LoginProfile = profile });
        return LoginProfileShape(user, profile);
    }

    private JsonObject GetLoginProfile(OperationInput input, OperationContext context, IamState state)
    {
        var user = LoginUser(input, context, state);
        return LoginProfileShape(user, user.LoginProfile ?? throw IamErrors.NoSuchLoginProfile(user.UserName));
    }

    private JsonObject UpdateLoginProfile(OperationInput input, OperationContext context, IamState state)
    {
        var user = state.GetUser(input.Required("UserName"));
        var profile = user.LoginProfile ?? throw IamErrors.NoSuchLoginProfile(user.UserName);
        if (input.Bool("PasswordResetRequired") is { } reset)
            state.SaveUser(user with { LoginProfile = profile with { PasswordResetRequired = reset } });
        return Empty();
    }

    private JsonObject DeleteLoginProfile(OperationInput input, OperationContext context, IamState state)
    {
        var user = LoginUser(input, context, state);
        if (user.LoginProfile is null) throw IamErrors.NoSuchLoginProfile(user.UserName);
        state.SaveUser(user with { LoginProfile = null });
        return Empty();
    }
}
