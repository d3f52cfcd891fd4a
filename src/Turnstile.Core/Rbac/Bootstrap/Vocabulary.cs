namespace Turnstile.Core.Rbac.Bootstrap;

/// <summary>Verb sets used throughout the default policy.</summary>
internal static class VerbSets
{
    public static readonly string[] Read = ["get", "list", "watch"];
    public static readonly string[] Write = ["create", "update", "patch", "delete", "deletecollection"];
    public static readonly string[] ReadWrite = [.. Read, .. Write];
    public static readonly string[] ReadUpdate = [.. Read, "update", "patch"];
}

/// <summary>API group names referenced by the default policy.</summary>
internal static class ApiGroups
{
    public const string Legacy = "";
    public const string Any = "*";
    public const string Apps = "apps";
    public const string AdmissionRegistration = "admissionregistration.k8s.io";
    public const string Authentication = "authentication.k8s.io";
    public const string Authorization = "authorization.k8s.io";
    public const string Autoscaling = "autoscaling";
    public const string Batch = "batch";
    public const string Certificates = "certificates.k8s.io";
    public const string Coordination = "coordination.k8s.io";
    public const string CustomMetrics = "custom.metrics.k8s.io";
    public const string Discovery = "discovery.k8s.io";
    public const string Events = "events.k8s.io";
    public const string Extensions = "extensions";
    public const string ExternalMetrics = "external.metrics.k8s.io";
    public const string Networking = "networking.k8s.io";
    public const string Node = "node.k8s.io";
    public const string Policy = "policy";
    public const string RbacApi = RbacGroup.Name;
    public const string ResourceMetrics = "metrics.k8s.io";
    public const string Storage = "storage.k8s.io";
}
