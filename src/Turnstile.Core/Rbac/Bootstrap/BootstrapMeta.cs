using static Turnstile.Core.Rbac.Bootstrap.ApiGroups;

namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>Metadata and rule fragments shared by every part of the default policy.</summary>
internal static class BootstrapMeta
{
    public static readonly (string Key, string Value) AggregateToAdmin = (BootstrapPolicy.AggregateToAdminLabel, "true");
    public static readonly (string Key, string Value) AggregateToEdit = (BootstrapPolicy.AggregateToEditLabel, "true");
    public static readonly (string Key, string Value) AggregateToView = (BootstrapPolicy.AggregateToViewLabel, "true");

    /// <summary>Metadata carrying the bootstrap label and the auto-update annotation, plus an optional extra label.</summary>
    public static ObjectMeta Meta(string name, string ns = "", (string Key, string Value)? labels = null)
    {
        var labelMap = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BootstrapPolicy.BootstrappingLabel] = BootstrapPolicy.BootstrappingLabelValue,
        };
        if (labels is { } extra) labelMap[extra.Key] = extra.Value;
        return new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            Labels = labelMap,
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [BootstrapPolicy.AutoUpdateAnnotation] = "true" },
        };
    }

    /// <summary>The event-recording rule nearly every control-plane component gets (core and events.k8s.io).</summary>
    public static PolicyRule EventsRule() => RuleBuilder.Rule("create", "update", "patch").Groups(Legacy, Events).Resources("events");
}
