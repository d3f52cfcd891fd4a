using Microsoft.AspNetCore.Http;
using Turnstile.Core.Kube;

namespace Turnstile.KubeServer.Front;

/// <summary>Writes kube-apiserver's responses: Status bodies (compact JSON and a newline) and plain documents.</summary>
internal static class StatusWriter
{
    public static Task WriteAsync(HttpContext http, KubeStatus status)
    {
        if (status.Code == 403) http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return WriteAsync(http, status.Code, "application/json", status.ToJsonBytes());
    }

    public static async Task WriteAsync(HttpContext http, int code, string contentType, byte[] body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

    public static KubeStatus MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new StatusDetails());
}
