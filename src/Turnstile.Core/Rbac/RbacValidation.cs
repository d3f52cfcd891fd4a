using Turnstile.Core.Kube;

namespace Turnstile.Core.Rbac;

/// <summary>
/// Field validation of RBAC objects as kube-apiserver v1.32 performs it on create and update (after defaulting,
/// see <see cref="RbacDefaults"/>). Referenced roles are not required to exist. Errors come back in the order
/// kube-apiserver produces them: metadata, then rules/aggregationRule or roleRef/subjects.
/// </summary>
public static class RbacValidation
{
    public static IReadOnlyList<FieldError> ValidateRole(Role role)
    {
        var errors = ValidateMetadata(role.Metadata, namespaced: true);
        errors.AddRange(RuleErrors(role.Rules, namespaced: true));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateClusterRole(ClusterRole role) => ValidateClusterRole(role, allowInvalidSelectorValues: false);

    public static IReadOnlyList<FieldError> ValidateRoleBinding(RoleBinding binding)
    {
        var errors = ValidateMetadata(binding.Metadata, namespaced: true);
        errors.AddRange(BindingErrors(binding.RoleRef, binding.Subjects, namespaced: true));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateClusterRoleBinding(ClusterRoleBinding binding)
    {
        var errors = ValidateMetadata(binding.Metadata, namespaced: false);
        errors.AddRange(BindingErrors(binding.RoleRef, binding.Subjects, namespaced: false));
        return errors;
    }

    /// <summary>
    /// The checks of an RBAC object beyond its ObjectMeta (which an API server's generic registry makes itself): rules
    /// and aggregationRule, or roleRef and subjects; on update (<paramref name="old"/> set) also roleRef immutability and
    /// the leniency for aggregation selector values that were already invalid.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateContent(object rbacObject, object? old = null) => rbacObject switch
    {
        Role r => RuleErrors(r.Rules, namespaced: true).ToList(),
        ClusterRole r => ClusterRoleContentErrors(r, old is ClusterRole o && HasInvalidSelectorValues(o)),
        RoleBinding b => BindingErrors(b.RoleRef, b.Subjects, namespaced: true)
            .Concat(old is RoleBinding o && o.RoleRef != b.RoleRef ? [RoleRefChanged(b.RoleRef)] : []).ToList(),
        ClusterRoleBinding b => BindingErrors(b.RoleRef, b.Subjects, namespaced: false)
            .Concat(old is ClusterRoleBinding o && o.RoleRef != b.RoleRef ? [RoleRefChanged(b.RoleRef)] : []).ToList(),
        _ => throw new ArgumentException($"not an RBAC object: {rbacObject.GetType().Name}", nameof(rbacObject)),
    };

    private static IEnumerable<FieldError> RuleErrors(IReadOnlyList<PolicyRule> rules, bool namespaced)
    {
        for (var i = 0; i < rules.Count; i++)
            foreach (var error in ValidatePolicyRule(rules[i], namespaced, $"rules[{i}]")) yield return error;
    }

    private static IEnumerable<FieldError> BindingErrors(RoleRef roleRef, IReadOnlyList<Subject> subjects, bool namespaced)
    {
        foreach (var error in ValidateRoleRef(roleRef, namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"])) yield return error;
        for (var i = 0; i < subjects.Count; i++)
            foreach (var error in ValidateSubject(subjects[i], namespaced, $"subjects[{i}]")) yield return error;
    }

    private static bool HasInvalidSelectorValues(ClusterRole role) =>
        role.AggregationRule?.ClusterRoleSelectors.SelectMany(s => s.MatchExpressions).SelectMany(e => e.Values)
            .Any(v => NameValidation.LabelValue(v).Count > 0) ?? false;

    /// <summary>Validates any of the four RBAC kinds.</summary>
    public static IReadOnlyList<FieldError> Validate(object rbacObject) => rbacObject switch
    {
        Role r => ValidateRole(r),
        ClusterRole r => ValidateClusterRole(r),
        RoleBinding b => ValidateRoleBinding(b),
        ClusterRoleBinding b => ValidateClusterRoleBinding(b),
        _ => throw new ArgumentException($"not an RBAC object: {rbacObject.GetType().Name}", nameof(rbacObject)),
    };

    public static IReadOnlyList<FieldError> ValidateUpdate(Role oldRole, Role newRole)
    {
        var errors = ValidateRole(newRole).ToList();
        errors.AddRange(ValidateMetadataUpdate(oldRole.Metadata, newRole.Metadata));
        return errors;
    }

    /// <summary>
    /// Label-selector values in the aggregation rule that were already invalid in the stored object stay accepted,
    /// so that old objects remain updatable.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(ClusterRole oldRole, ClusterRole newRole)
    {
        var errors = ValidateClusterRole(newRole, HasInvalidSelectorValues(oldRole)).ToList();
        errors.AddRange(ValidateMetadataUpdate(oldRole.Metadata, newRole.Metadata));
        return errors;
    }

    /// <summary>Besides the create checks, the roleRef of a binding can never change.</summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(RoleBinding oldBinding, RoleBinding newBinding)
    {
        var errors = ValidateRoleBinding(newBinding).ToList();
        errors.AddRange(ValidateMetadataUpdate(oldBinding.Metadata, newBinding.Metadata));
        if (oldBinding.RoleRef != newBinding.RoleRef) errors.Add(RoleRefChanged(newBinding.RoleRef));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateUpdate(ClusterRoleBinding oldBinding, ClusterRoleBinding newBinding)
    {
        var errors = ValidateClusterRoleBinding(newBinding).ToList();
        errors.AddRange(ValidateMetadataUpdate(oldBinding.Metadata, newBinding.Metadata));
        if (oldBinding.RoleRef != newBinding.RoleRef) errors.Add(RoleRefChanged(newBinding.RoleRef));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidatePolicyRule(PolicyRule rule, bool namespaced, string path)
    {
        var errors = new List<FieldError>();
        if (rule.Verbs.Count == 0) errors.Add(FieldError.Required(path + ".verbs", "verbs must contain at least one value"));
        if (rule.NonResourceUrls.Count > 0)
        {
            if (namespaced)
                errors.Add(FieldError.Invalid(path + ".nonResourceURLs", rule.NonResourceUrls, "namespaced rules cannot apply to non-resource URLs"));
            if (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0)
                errors.Add(FieldError.Invalid(path + ".nonResourceURLs", rule.NonResourceUrls, "rules cannot apply to both regular resources and non-resource URLs"));
            return errors;
        }
        if (rule.ApiGroups.Count == 0) errors.Add(FieldError.Required(path + ".apiGroups", "resource rules must supply at least one api group"));
        if (rule.Resources.Count == 0) errors.Add(FieldError.Required(path + ".resources", "resource rules must supply at least one resource"));
        return errors;
    }

    /// <summary>
    /// The 422 Status kube-apiserver returns for an RBAC object failing validation, with the message
    /// <c>RoleBinding.rbac.authorization.k8s.io "x" is invalid: roleRef: ...</c>.
    /// </summary>
    public static KubeStatus Invalid(string kind, string name, IReadOnlyList<FieldError> errors) =>
        KubeStatus.Invalid(RbacGroup.Name, kind, name, errors);

    private static IReadOnlyList<FieldError> ValidateClusterRole(ClusterRole role, bool allowInvalidSelectorValues)
    {
        var errors = ValidateMetadata(role.Metadata, namespaced: false);
        errors.AddRange(ClusterRoleContentErrors(role, allowInvalidSelectorValues));
        return errors;
    }

    private static List<FieldError> ClusterRoleContentErrors(ClusterRole role, bool allowInvalidSelectorValues)
    {
        var errors = RuleErrors(role.Rules, namespaced: false).ToList();
        if (role.AggregationRule is { } aggregation)
        {
            const string path = "aggregationRule.clusterRoleSelectors";
            if (aggregation.ClusterRoleSelectors.Count == 0)
                errors.Add(FieldError.Required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            for (var i = 0; i < aggregation.ClusterRoleSelectors.Count; i++)
                errors.AddRange(ValidateLabelSelector(aggregation.ClusterRoleSelectors[i], $"{path}[{i}]", allowInvalidSelectorValues));
        }
        return errors;
    }

    private static IEnumerable<FieldError> ValidateRoleRef(RoleRef roleRef, string[] supportedKinds)
    {
        if (roleRef.ApiGroup != RbacGroup.Name) yield return FieldError.NotSupported("roleRef.apiGroup", roleRef.ApiGroup, [RbacGroup.Name]);
        if (Array.IndexOf(supportedKinds, roleRef.Kind) < 0) yield return FieldError.NotSupported("roleRef.kind", roleRef.Kind, supportedKinds);
        if (roleRef.Name.Length == 0) yield return FieldError.Required("roleRef.name");
        else
            foreach (var msg in NameValidation.PathSegmentName(roleRef.Name))
                yield return FieldError.Invalid("roleRef.name", roleRef.Name, msg);
    }

    private static IEnumerable<FieldError> ValidateSubject(Subject subject, bool namespacedBinding, string path)
    {
        if (subject.Name.Length == 0) yield return FieldError.Required(path + ".name");
        switch (subject.Kind)
        {
            case SubjectKinds.ServiceAccount:
                if (subject.Name.Length > 0)
                    foreach (var msg in NameValidation.Dns1123Subdomain(subject.Name))
                        yield return FieldError.Invalid(path + ".name", subject.Name, msg);
                if (subject.ApiGroup.Length > 0) yield return FieldError.NotSupported(path + ".apiGroup", subject.ApiGroup, [""]);
                if (!namespacedBinding && subject.Namespace.Length == 0) yield return FieldError.Required(path + ".namespace");
                break;
            case SubjectKinds.User:
            case SubjectKinds.Group:
                if (subject.ApiGroup != RbacGroup.Name) yield return FieldError.NotSupported(path + ".apiGroup", subject.ApiGroup, [RbacGroup.Name]);
                break;
            default:
                yield return FieldError.NotSupported(path + ".kind", subject.Kind,
                    [SubjectKinds.ServiceAccount, SubjectKinds.User, SubjectKinds.Group]);
                break;
        }
    }

    private static List<FieldError> ValidateMetadata(ObjectMeta meta, bool namespaced)
    {
        var errors = new List<FieldError>();
        if (meta.Name.Length == 0) errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        else
            foreach (var msg in NameValidation.PathSegmentName(meta.Name))
                errors.Add(FieldError.Invalid("metadata.name", meta.Name, msg));

        if (namespaced)
        {
            if (meta.Namespace.Length == 0) errors.Add(FieldError.Required("metadata.namespace"));
            else
                foreach (var msg in NameValidation.Dns1123Label(meta.Namespace))
                    errors.Add(FieldError.Invalid("metadata.namespace", meta.Namespace, msg));
        }
        else if (meta.Namespace.Length > 0)
        {
            errors.Add(FieldError.Forbidden("metadata.namespace", "not allowed on this type"));
        }

        errors.AddRange(ValidateLabels(meta.Labels, "metadata.labels"));
        foreach (var key in meta.Annotations.Keys.Order(StringComparer.Ordinal))
            foreach (var msg in NameValidation.QualifiedName(key.ToLowerInvariant()))
                errors.Add(FieldError.Invalid("metadata.annotations", key, msg));
        return errors;
    }

    private static IEnumerable<FieldError> ValidateMetadataUpdate(ObjectMeta oldMeta, ObjectMeta newMeta)
    {
        if (oldMeta.Name != newMeta.Name) yield return FieldError.Invalid("metadata.name", newMeta.Name, "field is immutable");
        if (oldMeta.Namespace != newMeta.Namespace) yield return FieldError.Invalid("metadata.namespace", newMeta.Namespace, "field is immutable");
    }

    private static IEnumerable<FieldError> ValidateLabels(IReadOnlyDictionary<string, string> labels, string path)
    {
        // Go iterates maps in random order; sorting keeps the output deterministic.
        foreach (var key in labels.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var msg in NameValidation.QualifiedName(key)) yield return FieldError.Invalid(path, key, msg);
            foreach (var msg in NameValidation.LabelValue(labels[key])) yield return FieldError.Invalid(path, labels[key], msg);
        }
    }

    private static IEnumerable<FieldError> ValidateLabelSelector(LabelSelector selector, string path, bool allowInvalidValues)
    {
        foreach (var error in ValidateLabels(selector.MatchLabels, path + ".matchLabels")) yield return error;
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var expr = selector.MatchExpressions[i];
            var exprPath = $"{path}.matchExpressions[{i}]";
            switch (expr.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn when expr.Values.Count == 0:
                    yield return FieldError.Required(exprPath + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist when expr.Values.Count > 0:
                    yield return FieldError.Forbidden(exprPath + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
            }
            foreach (var msg in NameValidation.QualifiedName(expr.Key)) yield return FieldError.Invalid(exprPath + ".key", expr.Key, msg);
            if (allowInvalidValues) continue;
            for (var v = 0; v < expr.Values.Count; v++)
                foreach (var msg in NameValidation.LabelValue(expr.Values[v]))
                    yield return FieldError.Invalid($"{exprPath}.values[{v}]", expr.Values[v], msg);
        }
    }

    private static FieldError RoleRefChanged(RoleRef roleRef) => FieldError.Invalid("roleRef",
        new FieldError.Verbatim(
            $"rbac.RoleRef{{APIGroup:{GoQuote.Quote(roleRef.ApiGroup)}, Kind:{GoQuote.Quote(roleRef.Kind)}, Name:{GoQuote.Quote(roleRef.Name)}}}"),
        "cannot change roleRef");
}
