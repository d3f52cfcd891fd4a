namespace Turnstile.Core.Kube;

/// <summary>A (group, version, resource) triple; any part may be empty when only partially specified.</summary>
public readonly record struct GroupVersionResource(string Group, string Version, string Resource)
{
    public bool IsEmpty => Group.Length == 0 && Version.Length == 0 && Resource.Length == 0;

    /// <summary>Go's <c>GroupResource.String()</c>: <c>resource</c> or <c>resource.group</c>.</summary>
    public string GroupResourceString => Group.Length == 0 ? Resource : Resource + "." + Group;

    /// <summary>Go's <c>GroupVersion.String()</c>: <c>version</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string GroupVersionString => Group.Length == 0 ? Version : Group + "/" + Version;

    public override string ToString() => $"{Group}/{Version}, Resource={Resource}";
}
