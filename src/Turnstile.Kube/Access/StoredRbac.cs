using System.Text;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.State;

namespace Turnstile.Kube.Access;

/// <summary>The RBAC policy of one cluster as its stored Role, ClusterRole and binding objects make it.</summary>
public static class StoredRbac
{
    public static RbacPolicy Read(IStateView view, string cluster)
    {
        List<T> Decode<T>(string resource) where T : class =>
            view.List(StateKey.KubeResource(cluster, RbacGroup.Name, resource, null))
                .Select(kv => KubeObjectDecoder.DecodeSingle<T>(Encoding.UTF8.GetString(kv.Value)))
                .ToList();
        return new RbacPolicy(Decode<ClusterRole>("clusterroles"), Decode<ClusterRoleBinding>("clusterrolebindings"),
            Decode<Role>("roles"), Decode<RoleBinding>("rolebindings"));
    }
}
