using Turnstile.Core.Rbac;

namespace Turnstile.Core.Tests.Rbac;

internal static class RbacFixtures
{
    public static PolicyRule R(string verbs, string groups, string resources, string names = "") => new()
    {
        Verbs = Split(verbs), ApiGroups = Split(groups, keepEmpty: true), Resources = Split(resources), ResourceNames = Split(names),
    };

    public static PolicyRule Nr(string verbs, string urls) => new() { Verbs = Split(verbs), NonResourceUrls = Split(urls) };

    private static string[] Split(string csv, bool keepEmpty = false) =>
        csv.Length == 0 ? (keepEmpty ? [""] : []) : csv.Split(',');

    public static ClusterRole ClusterRole(string name, params PolicyRule[] rules) => new(new ObjectMeta { Name = name }, rules);

    public static Role Role(string ns, string name, params PolicyRule[] rules) => new(new ObjectMeta { Name = name, Namespace = ns }, rules);

    public static ClusterRoleBinding Crb(string name, string role, params Subject[] subjects) =>
        new(new ObjectMeta { Name = name }, new RoleRef("ClusterRole", role), subjects);

    public static RoleBinding Rb(string ns, string name, string roleKind, string role, params Subject[] subjects) =>
        new(new ObjectMeta { Name = name, Namespace = ns }, new RoleRef(roleKind, role), subjects);
}
