using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Turnstile.Core.Authn.Token;

/// <summary>The client.authentication.k8s.io ExecCredential a kubectl exec plugin prints.</summary>
public sealed record ExecCredential(string ApiVersion, string Token, DateTimeOffset ExpirationTimestamp)
{
    public const string Kind = "ExecCredential";
    public const string V1 = "client.authentication.k8s.io/v1";
    public const string V1Beta1 = "client.authentication.k8s.io/v1beta1";
    public const string V1Alpha1 = "client.authentication.k8s.io/v1alpha1";

    /// <summary>
    /// <c>{"kind","apiVersion","spec":{},"status":{"expirationTimestamp","token"}}</c> in that order; the timestamp is
    /// UTC, whole seconds, <c>yyyy-MM-ddTHH:mm:ssZ</c>. Indented output uses four spaces like the AWS CLI.
    /// </summary>
    public string ToJson(bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = indented,
            IndentSize = 4,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", Kind);
            writer.WriteString("apiVersion", ApiVersion);
            writer.WriteStartObject("spec");
            writer.WriteEndObject();
            writer.WriteStartObject("status");
            writer.WriteString("expirationTimestamp",
                ExpirationTimestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("token", Token);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// The apiVersion <c>aws eks get-token</c> answers for the <c>KUBERNETES_EXEC_INFO</c> value kubectl passes:
    /// v1/v1beta1 echoed, v1alpha1 echoed with a deprecation warning, anything else v1beta1 (with a warning unless
    /// the variable was empty). <paramref name="warning"/> is what the CLI prints on stderr.
    /// </summary>
    public static string ResolveApiVersion(string? kubernetesExecInfo, out string? warning)
    {
        warning = null;
        if (string.IsNullOrEmpty(kubernetesExecInfo)) return V1Beta1;
        string? apiVersion;
        try
        {
            using var doc = JsonDocument.Parse(kubernetesExecInfo);
            apiVersion = doc.RootElement.ValueKind == JsonValueKind.Object &&
                         doc.RootElement.TryGetProperty("apiVersion", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException)
        {
            warning = $"Error parsing KUBERNETES_EXEC_INFO, defaulting to {V1Beta1}. This is likely a bug in your Kubernetes client. Please update your Kubernetes client.";
            return V1Beta1;
        }
        switch (apiVersion)
        {
            case V1 or V1Beta1:
                return apiVersion;
            case V1Alpha1:
                warning = $"Kubeconfig user entry is using deprecated API version {V1Alpha1}. Run 'aws eks update-kubeconfig' to update.";
                return V1Alpha1;
            default:
                warning = $"Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to {V1Beta1}. This is likely due to an outdated AWS CLI. Please update your AWS CLI.";
                return V1Beta1;
        }
    }
}
