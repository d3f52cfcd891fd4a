using System.Text.Json.Nodes;
using Turnstile.Core.Authz;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Kube.Access;
using Turnstile.Kube.Registry.Strategies;
using Turnstile.Kube.Storage;

namespace Turnstile.Kube.Registry;

/// <summary>
/// kube-apiserver's RBAC escalation prevention on creates and updates of roles and bindings: the writer must hold
/// <c>escalate</c> (roles) or <c>bind</c> (bindings) through the whole authorizer chain, or already hold through RBAC
/// every rule granted (<see cref="EscalationCheck"/>). Updates that change only ownerReferences, finalizers or
/// managedFields pass, as in kube. Requests without a user (in-process writes of the emulator itself) are not checked.
/// </summary>
public sealed class RbacEscalationAdmission(IClusterAccess access) : IKubeAdmission
{
    public async ValueTask<KubeStatus?> ValidateAsync(AdmissionRequest admission, CancellationToken cancellationToken)
    {
        var request = admission.Request;
        if (admission.Operation == AdmissionOperation.Delete || request.User is not { } user || request.Resource.Group != RbacGroup.Name) return null;
        if (request.Subresource.Length > 0 || admission.Object is not { } obj) return null;
        if (admission.OldObject is { } old && OnlyGarbageCollectionFieldsChanged(obj, old)) return null;
        if (await access.EngineAsync(request.Cluster, cancellationToken).ConfigureAwait(false) is not { } engine) return null;
        var check = new EscalationCheck(engine.Authorizer);
        // A POST names no object: kube authorizes escalate with the request's name, empty on create.
        var requestName = admission.Operation == AdmissionOperation.Create ? "" : request.Name;
        return RbacStrategy.Decode(obj) switch
        {
            Role role => check.CheckRole(user, request.AccessPolicies, role.Namespace, requestName, role.Name, role.Rules),
            ClusterRole role => check.CheckRole(user, request.AccessPolicies, "", requestName, role.Name, role.Rules,
                usesAggregation: HasSelectors(role) || (admission.OldObject is { } o && RbacStrategy.Decode(o) is ClusterRole before && HasSelectors(before))),
            RoleBinding binding => check.CheckBinding(user, request.AccessPolicies, binding.Namespace, binding.Name, binding.RoleRef),
            ClusterRoleBinding binding => check.CheckBinding(user, request.AccessPolicies, "", binding.Name, binding.RoleRef),
            _ => null,
        };
    }

    private static bool HasSelectors(ClusterRole role) => role.AggregationRule is { ClusterRoleSelectors.Count: > 0 };

    // kube's rbacregistry.IsOnlyMutatingGCFields: the objects are equal once ownerReferences, finalizers, managedFields
    // and resourceVersion are set alike.
    private static bool OnlyGarbageCollectionFieldsChanged(KubeObject obj, KubeObject old)
    {
        var a = obj.Clone();
        var b = old.Clone();
        foreach (var member in new[] { "ownerReferences", "finalizers", "managedFields", "resourceVersion", "selfLink" })
        {
            a.Metadata.Remove(member);
            b.Metadata.Remove(member);
        }
        return JsonNode.DeepEquals(a.Root, b.Root);
    }
}
