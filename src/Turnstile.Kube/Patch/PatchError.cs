using Turnstile.Core.Kube;

namespace Turnstile.Kube.Patch;

/// <summary>A patch that cannot be applied; <see cref="Status"/> is the response kube-apiserver gives for it.</summary>
public sealed class PatchException(KubeStatus status) : Exception(status.Message)
{
    public KubeStatus Status { get; } = status;

    /// <summary>
    /// apimachinery's <c>NewGenericServerResponse(422, ...)</c>, used for patches that do not apply: the fixed message
    /// <c>the server rejected our request due to an error in our request</c> with the real reason as the only cause
    /// (type <c>UnexpectedServerResponse</c>). kubectl prints <c>The request is invalid: ...</c>.
    /// </summary>
    public static PatchException NotApplicable(string reason) =>
        new(new KubeStatus(422, KubeStatus.ReasonInvalid, "the server rejected our request due to an error in our request",
            new StatusDetails { Causes = [new StatusCause("UnexpectedServerResponse", reason, "")] }));

    public static PatchException BadRequest(string message) => new(KubeStatus.BadRequest(message));

    /// <summary>
    /// A malformed strategic merge patch that kube-apiserver leaves unclassified (it answers 500 <c>Internal error
    /// occurred: ...</c>). The fault is the request's, and a malformed request is never a 500 here: 400 BadRequest
    /// with kube's own text (docs/decisions.md).
    /// </summary>
    public static PatchException Malformed(string message) => BadRequest(message);
}
