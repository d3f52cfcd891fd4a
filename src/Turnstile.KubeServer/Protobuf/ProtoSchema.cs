namespace Turnstile.KubeServer.Protobuf;

/// <summary>How one field of a Kubernetes protobuf message is encoded and named in JSON.</summary>
internal enum ProtoKind
{
    String,
    Bool,
    Int64,
    Bytes,
    Time,
    Message,
    MapStringString,
    MapStringBytes,
}

/// <param name="Always">Written to JSON even when empty (the Go field has no <c>omitempty</c>).</param>
internal sealed record ProtoField(string Name, ProtoKind Kind, bool Repeated = false, ProtoMessage? Message = null, bool Always = false);

internal sealed class ProtoMessage(IReadOnlyDictionary<int, ProtoField> fields)
{
    public IReadOnlyDictionary<int, ProtoField> Fields { get; } = fields;
}

/// <summary>
/// The field numbers of the built-in kinds kubectl's typed clients send as protobuf (<c>kubectl create namespace,
/// configmap, secret, serviceaccount, role, rolebinding, clusterrole, clusterrolebinding</c>, <c>kubectl auth
/// can-i</c> and <c>auth whoami</c>), from the
/// <c>generated.proto</c> files of Kubernetes' API packages.
/// </summary>
internal static class ProtoSchema
{
    private static ProtoField Str(string name, bool always = false) => new(name, ProtoKind.String, Always: always);
    private static ProtoField Strs(string name, bool always = false) => new(name, ProtoKind.String, Repeated: true, Always: always);
    private static ProtoField Msg(string name, ProtoMessage message, bool repeated = false) => new(name, ProtoKind.Message, repeated, message);

    private static readonly ProtoMessage OwnerReference = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("kind", always: true), [3] = Str("name", always: true), [4] = Str("uid", always: true), [5] = Str("apiVersion", always: true),
        [6] = new("controller", ProtoKind.Bool), [7] = new("blockOwnerDeletion", ProtoKind.Bool),
    });

    private static readonly ProtoMessage ObjectMeta = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("name"), [2] = Str("generateName"), [3] = Str("namespace"), [4] = Str("selfLink"), [5] = Str("uid"), [6] = Str("resourceVersion"),
        [7] = new("generation", ProtoKind.Int64), [8] = new("creationTimestamp", ProtoKind.Time), [9] = new("deletionTimestamp", ProtoKind.Time),
        [10] = new("deletionGracePeriodSeconds", ProtoKind.Int64), [11] = new("labels", ProtoKind.MapStringString),
        [12] = new("annotations", ProtoKind.MapStringString), [13] = Msg("ownerReferences", OwnerReference, repeated: true), [14] = Strs("finalizers"),
    });

    private static readonly ProtoMessage LabelSelectorRequirement = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("key", always: true), [2] = Str("operator", always: true), [3] = Strs("values"),
    });

    private static readonly ProtoMessage LabelSelector = new(new Dictionary<int, ProtoField>
    {
        [1] = new("matchLabels", ProtoKind.MapStringString), [2] = Msg("matchExpressions", LabelSelectorRequirement, repeated: true),
    });

    private static readonly ProtoMessage PolicyRule = new(new Dictionary<int, ProtoField>
    {
        [1] = Strs("verbs", always: true), [2] = Strs("apiGroups"), [3] = Strs("resources"), [4] = Strs("resourceNames"), [5] = Strs("nonResourceURLs"),
    });

    private static readonly ProtoMessage Subject = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("kind", always: true), [2] = Str("apiGroup"), [3] = Str("name", always: true), [4] = Str("namespace"),
    });

    private static readonly ProtoMessage RoleRef = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("apiGroup", always: true), [2] = Str("kind", always: true), [3] = Str("name", always: true),
    });

    private static readonly ProtoMessage ObjectReference = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("kind"), [2] = Str("namespace"), [3] = Str("name"), [4] = Str("uid"), [5] = Str("apiVersion"), [6] = Str("resourceVersion"), [7] = Str("fieldPath"),
    });

    private static readonly ProtoMessage LocalObjectReference = new(new Dictionary<int, ProtoField> { [1] = Str("name") });

    private static readonly ProtoMessage NamespaceSpec = new(new Dictionary<int, ProtoField> { [1] = Strs("finalizers") });

    private static readonly ProtoMessage Rbac = new(new Dictionary<int, ProtoField>
    {
        [1] = Msg("metadata", ObjectMeta), [2] = Msg("rules", PolicyRule, repeated: true),
        [3] = Msg("aggregationRule", new ProtoMessage(new Dictionary<int, ProtoField> { [1] = Msg("clusterRoleSelectors", LabelSelector, repeated: true) })),
    });

    private static readonly ProtoMessage Binding = new(new Dictionary<int, ProtoField>
    {
        [1] = Msg("metadata", ObjectMeta), [2] = Msg("subjects", Subject, repeated: true), [3] = Msg("roleRef", RoleRef),
    });

    private static readonly ProtoMessage ResourceAttributes = new(new Dictionary<int, ProtoField>
    {
        [1] = Str("namespace"), [2] = Str("verb"), [3] = Str("group"), [4] = Str("version"), [5] = Str("resource"), [6] = Str("subresource"), [7] = Str("name"),
    });

    private static readonly ProtoMessage NonResourceAttributes = new(new Dictionary<int, ProtoField> { [1] = Str("path"), [2] = Str("verb") });

    private static readonly ProtoMessage AccessReviewSpec = new(new Dictionary<int, ProtoField>
    {
        [1] = Msg("resourceAttributes", ResourceAttributes), [2] = Msg("nonResourceAttributes", NonResourceAttributes), [3] = Str("user"), [4] = Strs("groups"),
        [6] = Str("uid"),
    });

    /// <summary>The message of a kind by <c>apiVersion</c> and <c>kind</c>; null when it is not decoded here.</summary>
    public static ProtoMessage? For(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("v1", "Namespace") => new(new Dictionary<int, ProtoField> { [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", NamespaceSpec) }),
        ("v1", "ConfigMap") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = new("data", ProtoKind.MapStringString), [3] = new("binaryData", ProtoKind.MapStringBytes),
            [4] = new("immutable", ProtoKind.Bool),
        }),
        ("v1", "Secret") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = new("data", ProtoKind.MapStringBytes), [3] = Str("type"),
            [4] = new("stringData", ProtoKind.MapStringString), [5] = new("immutable", ProtoKind.Bool),
        }),
        ("v1", "ServiceAccount") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msg("secrets", ObjectReference, repeated: true),
            [3] = Msg("imagePullSecrets", LocalObjectReference, repeated: true), [4] = new("automountServiceAccountToken", ProtoKind.Bool),
        }),
        ("rbac.authorization.k8s.io/v1", "Role" or "ClusterRole") => Rbac,
        ("rbac.authorization.k8s.io/v1", "RoleBinding" or "ClusterRoleBinding") => Binding,
        // kubectl auth can-i [--list] and auth whoami; SubjectAccessReview's extra (field 5) is not read from protobuf.
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta),
            [2] = Msg("spec", new ProtoMessage(new Dictionary<int, ProtoField> { [1] = Msg("resourceAttributes", ResourceAttributes), [2] = Msg("nonResourceAttributes", NonResourceAttributes) })),
        }),
        ("authorization.k8s.io/v1", "SelfSubjectRulesReview") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", new ProtoMessage(new Dictionary<int, ProtoField> { [1] = Str("namespace") })),
        }),
        ("authorization.k8s.io/v1", "SubjectAccessReview" or "LocalSubjectAccessReview") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", AccessReviewSpec),
        }),
        ("authentication.k8s.io/v1", "SelfSubjectReview") => new(new Dictionary<int, ProtoField> { [1] = Msg("metadata", ObjectMeta) }),
        ("authentication.k8s.io/v1", "TokenReview") => new(new Dictionary<int, ProtoField>
        {
            [1] = Msg("metadata", ObjectMeta), [2] = Msg("spec", new ProtoMessage(new Dictionary<int, ProtoField> { [1] = Str("token"), [2] = Strs("audiences") })),
        }),
        _ => null,
    };
}
