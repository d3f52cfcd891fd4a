using System.Text;
using Turnstile.Core.Rbac;

namespace Turnstile.Core.Kube;

/// <summary>
/// What kubectl v1.32 writes to stderr (or stdout, for can-i answers) for API errors, as produced by its
/// <c>CheckErr</c> path. Every string is the exact text including the trailing newline.
/// </summary>
public static class KubectlErrorText
{
    /// <summary>
    /// 401 seen by a command that starts with discovery (<c>get</c>, <c>apply</c>, <c>api-resources</c>): the
    /// client cannot decode the body there and substitutes its own wording.
    /// </summary>
    public const string DiscoveryUnauthorized =
        "error: You must be logged in to the server (the server has asked for the client to provide credentials)\n";

    /// <summary>kubectl's warning printer (no colour): <c>Warning: {message}\n</c>.</summary>
    public static string Warning(string message) => "Warning: " + message + "\n";

    /// <summary>
    /// A Status error returned to a typed request (<c>auth can-i</c>, <c>auth whoami</c>, <c>create</c>, <c>get</c>):
    /// <c>Error from server (Forbidden): {message}</c>; <c>error: You must be logged in to the server ({message})</c>
    /// for 401; <c>Error from server: {message}</c> without a reason; the dedicated layout for 422 Invalid.
    /// </summary>
    public static string FromStatus(KubeStatus status)
    {
        if (status.Reason == KubeStatus.ReasonInvalid) return Invalid(status);
        if (status.Reason == KubeStatus.ReasonUnauthorized)
            return Line($"error: You must be logged in to the server ({status.Message})");
        return status.Reason.Length > 0
            ? Line($"Error from server ({status.Reason}): {status.Message}")
            : Line($"Error from server: {status.Message}");
    }

    /// <summary>
    /// kubectl's <c>AddSourceToErr</c>, used by commands reading manifests: the message becomes
    /// <c>error when {verb} "{source}": {message}</c> (verbs such as <c>creating</c>, <c>patching</c>,
    /// <c>retrieving current configuration of</c>). An empty source leaves the status unchanged.
    /// </summary>
    public static KubeStatus WithSource(KubeStatus status, string verb, string source) =>
        source.Length == 0 ? status : status with { Message = $"error when {verb} {GoQuote.Quote(source)}: {status.Message}" };

    /// <summary>A resource type discovery does not know, for commands that resolve it strictly (<c>kubectl get foos</c>).</summary>
    public static string UnknownResourceType(string resource) =>
        Line($"error: the server doesn't have a resource type {GoQuote.Quote(resource)}");

    /// <summary>The answer <c>kubectl auth can-i</c> prints on stdout: <c>yes</c>, or <c>no</c> with reason and evaluation error appended.</summary>
    public static string CanIAnswer(bool allowed, string reason = "", string evaluationError = "")
    {
        if (allowed) return "yes\n";
        var sb = new StringBuilder("no");
        if (reason.Length > 0) sb.Append(" - ").Append(reason);
        if (evaluationError.Length > 0) sb.Append(" - ").Append(evaluationError);
        return sb.Append('\n').ToString();
    }

    // 422 layout: "The {Kind} "{name}" is invalid: {field}: {message}" for one cause, otherwise the prefix on its own
    // line followed by "* {field}: {message}" lines (duplicates dropped).
    private static string Invalid(KubeStatus status)
    {
        var s = "The request is invalid";
        var details = status.Details;
        if (details is null)
            return Line(status.Message.Length > 0 ? s + ": " + status.Message : s);

        if (details.Kind.Length > 0 || details.Name.Length > 0)
            s = $"The {details.Kind} {GoQuote.Quote(details.Name)} is invalid";
        else if (status.Message.Length > 0 && details.Causes.Count == 0)
            s += ": " + status.Message;

        if (details.Causes.Count == 0) return Line(s);

        var causes = details.Causes.Select(c => $"{c.Field}: {c.Message}").Distinct(StringComparer.Ordinal).ToList();
        var prefix = s + ": ";
        if (causes.Count == 1) return prefix + causes[0] + "\n";
        var sb = new StringBuilder(prefix).Append('\n');
        foreach (var c in causes) sb.Append("* ").Append(c).Append('\n');
        return sb.ToString();
    }

    private static string Line(string text) => text.EndsWith('\n') ? text : text + "\n";
}
