using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>A core/v1 ConfigMap, reduced to what the emulator needs (aws-auth and friends): metadata and string data.</summary>
public sealed record ConfigMap(ObjectMeta Metadata, IReadOnlyDictionary<string, string> Data)
{
    public string Name => Metadata.Name;
    public string Namespace => Metadata.Namespace;
}
