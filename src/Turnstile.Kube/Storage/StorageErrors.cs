using Turnstile.Core.Kube;

namespace Turnstile.Kube.Storage;

/// <summary>apiserver's <c>storage.StorageError</c> codes; the registry turns them into Status errors naming the resource.</summary>
public enum StorageErrorCode
{
    KeyNotFound = 1,
    KeyExists = 2,
    ResourceVersionConflicts = 3,
    InvalidObj = 4,
}

/// <summary>
/// A storage-level failure on one key. <see cref="Exception.Message"/> is apiserver's <c>StorageError.Error()</c> text,
/// which kube-apiserver embeds in some 409 messages (failed preconditions); the key is shown in kube's etcd layout.
/// </summary>
public sealed class StorageException(StorageErrorCode code, string displayKey, long resourceVersion, string? additional = null)
    : Exception($"StorageError: {Describe(code)}, Code: {(int)code}, Key: {displayKey}, ResourceVersion: {resourceVersion}, AdditionalErrorMsg: {additional ?? "<nil>"}")
{
    public StorageErrorCode Code { get; } = code;

    private static string Describe(StorageErrorCode code) => code switch
    {
        StorageErrorCode.KeyNotFound => "key not found",
        StorageErrorCode.KeyExists => "key exists",
        StorageErrorCode.ResourceVersionConflicts => "resource version conflicts",
        _ => "invalid object",
    };
}

/// <summary>An error that is already a kube Status (400, 404, 409, 410, 422, 504...), raised anywhere below the handlers.</summary>
public sealed class KubeApiException(KubeStatus status) : Exception(status.Message)
{
    public KubeStatus Status { get; } = status;

    public static KubeApiException BadRequest(string message) => new(KubeStatus.BadRequest(message));
}

/// <summary>Conditions an update or delete requires of the stored object (apiserver's <c>storage.Preconditions</c>).</summary>
public sealed record Preconditions(string? Uid = null, string? ResourceVersion = null)
{
    /// <exception cref="StorageException">InvalidObj with apiserver's "Precondition failed" text.</exception>
    public void Check(string displayKey, KubeObject current)
    {
        if (Uid is not null && Uid != current.Uid)
            throw new StorageException(StorageErrorCode.InvalidObj, displayKey, 0,
                $"Precondition failed: UID in precondition: {Uid}, UID in object meta: {current.Uid}");
        if (ResourceVersion is not null && ResourceVersion != current.ResourceVersion)
            throw new StorageException(StorageErrorCode.InvalidObj, displayKey, 0,
                $"Precondition failed: ResourceVersion in precondition: {ResourceVersion}, ResourceVersion in object meta: {current.ResourceVersion}");
    }
}

/// <summary>Status errors of the storage layer, with apiserver's texts.</summary>
public static class StorageStatus
{
    /// <summary>A read that asks for a revision the store has not reached (504 Timeout, cause ResourceVersionTooLarge).</summary>
    public static KubeStatus TooLargeResourceVersion(long requested, long current, int retrySeconds) =>
        new(504, "Timeout", $"Timeout: Too large resource version: {requested}, current: {current}", new StatusDetails
        {
            Causes = [new StatusCause("ResourceVersionTooLarge", "Too large resource version", "")],
            RetryAfterSeconds = retrySeconds,
        });

    /// <summary>410 Expired (<c>NewResourceExpired</c>).</summary>
    public static KubeStatus Expired(string message) => new(410, "Expired", message, null);

    public const string ListTooOld = "The resourceVersion for the provided list is too old.";

    public const string InconsistentContinue =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the " +
        "continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing " +
        "with the provided token results in an inconsistent list - objects that were created, modified, or deleted between " +
        "the time the first chunk was returned and now may show up in the list.";
}
