namespace Turnstile.State;

/// <summary>
/// One stored value with etcd's revision model: <see cref="CreateRevision"/> is the revision of the commit that
/// created the key (since its last deletion), <see cref="ModRevision"/> the revision of the commit that last wrote it.
/// Values are opaque bytes (the layers above store UTF-8 JSON); callers must not mutate <see cref="Value"/>.
/// </summary>
public sealed record KeyValue(string Key, byte[] Value, long CreateRevision, long ModRevision);
