using System.Text;
using System.Text.Json.Nodes;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;
using Turnstile.Kube.Seeding;
using Turnstile.Kube.Storage;
using Turnstile.State;

namespace Turnstile.Kube.Registry.Strategies;

/// <summary>
/// Roles, ClusterRoles and their bindings (kube's <c>pkg/registry/rbac</c>): path-segment names, create on update,
/// subjects' and roleRef's apiGroup defaulted, the content validation of <see cref="RbacValidation"/> (rules,
/// aggregationRule, roleRef, subjects) and roleRef immutability. Escalation prevention is the
/// <see cref="RbacEscalationAdmission"/> plugin.
/// </summary>
public class RbacStrategy : KindStrategy
{
    public override NameRule NameRule => NameRules.PathSegment;

    public override bool AllowCreateOnUpdate => true;

    public override string? CheckDecoded(KubeObject obj)
    {
        try
        {
            Decode(obj);
            return null;
        }
        catch (KubeDecodeException e)
        {
            return e.Field.Length > 0 ? $"{e.Field}: {e.Reason}" : e.Reason;
        }
    }

    // SetDefaults_Subject and SetDefaults_RoleBinding: User and Group subjects and the roleRef name the RBAC group.
    public override void Normalize(KubeObject obj)
    {
        if (obj["subjects"] is JsonArray subjects)
            foreach (var subject in subjects.OfType<JsonObject>())
                if (KubeObject.String(subject, "kind") is SubjectKinds.User or SubjectKinds.Group && KubeObject.String(subject, "apiGroup").Length == 0)
                    InsertAfter(subject, "kind", "apiGroup", RbacGroup.Name);
        if (obj["roleRef"] is JsonObject roleRef && KubeObject.String(roleRef, "apiGroup").Length == 0)
        {
            var members = roleRef.Where(p => p.Key != "apiGroup").Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
            roleRef.Clear();
            roleRef["apiGroup"] = RbacGroup.Name;
            foreach (var (key, value) in members) roleRef[key] = value;
        }
    }

    public override IEnumerable<FieldError> Validate(StrategyContext context, KubeObject obj) => RbacValidation.ValidateContent(Decode(obj));

    public override IEnumerable<FieldError> ValidateUpdate(StrategyContext context, KubeObject obj, KubeObject old) =>
        RbacValidation.ValidateContent(Decode(obj), Decode(old));

    /// <summary>The object as Core's RBAC model (Role, ClusterRole, RoleBinding or ClusterRoleBinding).</summary>
    /// <exception cref="KubeDecodeException">When a field has the wrong shape.</exception>
    public static object Decode(KubeObject obj) =>
        KubeObjectDecoder.DecodeDocuments(Encoding.UTF8.GetString(obj.ToJsonBytes()))[0].Object
        ?? throw new KubeDecodeException(1, null, 0, "", $"not an RBAC object: {obj.ApiVersion} {obj.Kind}");

    private static void InsertAfter(JsonObject obj, string after, string member, string value)
    {
        var members = obj.Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
        obj.Clear();
        foreach (var (key, v) in members)
        {
            obj[key] = v;
            if (key == after) obj[member] = value;
        }
        if (!obj.ContainsKey(member)) obj[member] = value;
    }
}

/// <summary>
/// ClusterRoles, with the clusterrole-aggregation controller run inside each write: an aggregated role gets the rules of
/// the roles its selectors match, and every aggregated role that a written or deleted role feeds (directly or through a
/// chain, as view feeds edit feeds admin) is rewritten in the same transaction, guarded by its revision.
/// </summary>
public sealed class ClusterRoleStrategy : RbacStrategy
{
    public override void PrepareForCreate(StrategyContext context, KubeObject obj) => Aggregate(context, obj, obj);

    public override void PrepareForUpdate(StrategyContext context, KubeObject obj, KubeObject old) => Aggregate(context, obj, obj);

    public override void OnDelete(StrategyContext context, KubeObject obj) => Aggregate(context, obj, null);

    private static void Aggregate(StrategyContext context, KubeObject written, KubeObject? present)
    {
        ClusterRole? role = null;
        try
        {
            if (present is not null) role = Decode(present) as ClusterRole;
        }
        catch (KubeDecodeException)
        {
            return; // validation reports it
        }
        var prefix = StateKey.KubeResource(context.Cluster, RbacGroup.Name, "clusterroles");
        var stored = new Dictionary<string, (KeyValue Kv, ClusterRole Role)>(StringComparer.Ordinal);
        foreach (var kv in context.View.List(prefix))
            if (KubeObjectDecoder.DecodeDocuments(Encoding.UTF8.GetString(kv.Value))[0].Object is ClusterRole r && r.Name != written.Name)
                stored[r.Name] = (kv, r);
        var roles = stored.Values.Select(v => v.Role).ToList();
        if (role is not null) roles.Add(role);
        var aggregated = ClusterRoleAggregation.Apply(roles);
        foreach (var result in aggregated)
        {
            if (role is not null && result.Name == role.Name)
            {
                if (role.AggregationRule is not null) present!["rules"] = RbacJson.Rules(result.Rules);
                continue;
            }
            var (kv, before) = stored[result.Name];
            if (result.Rules.SequenceEqual(before.Rules)) continue;
            var updated = KubeObject.Parse(kv.Value);
            updated["rules"] = RbacJson.Rules(result.Rules);
            context.Compares.Add(new KeyAtRevision(kv.Key, kv.ModRevision));
            context.Operations.Add(new Put(kv.Key, updated.ToJsonBytes()));
        }
    }
}
