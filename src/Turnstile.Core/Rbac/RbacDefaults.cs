namespace Turnstile.Core.Rbac;

/// <summary>Defaulting kube-apiserver applies to RBAC v1 objects before validation.</summary>
public static class RbacDefaults
{
    /// <summary>An empty subject apiGroup becomes <c>rbac.authorization.k8s.io</c> for User and Group.</summary>
    public static Subject Apply(Subject subject) =>
        subject.ApiGroup.Length == 0 && subject.Kind is SubjectKinds.User or SubjectKinds.Group
            ? subject with { ApiGroup = RbacGroup.Name }
            : subject;

    /// <summary>An empty roleRef apiGroup becomes <c>rbac.authorization.k8s.io</c>.</summary>
    public static RoleRef Apply(RoleRef roleRef) =>
        roleRef.ApiGroup.Length == 0 ? roleRef with { ApiGroup = RbacGroup.Name } : roleRef;

    public static RoleBinding Apply(RoleBinding binding) =>
        binding with { RoleRef = Apply(binding.RoleRef), Subjects = binding.Subjects.Select(Apply).ToList() };

    public static ClusterRoleBinding Apply(ClusterRoleBinding binding) =>
        binding with { RoleRef = Apply(binding.RoleRef), Subjects = binding.Subjects.Select(Apply).ToList() };
}
