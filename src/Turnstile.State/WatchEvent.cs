namespace Turnstile.State;

public enum WatchEventType
{
    Put,
    Delete,
}

/// <summary>
/// One change to one key, at the revision of the commit that made it. <see cref="Current"/> is the new value (null
/// for a delete); <see cref="Previous"/> the value before the change (null when the key was created), which a
/// watcher needs to report a deleted object or an object leaving a selector.
/// </summary>
public sealed record WatchEvent(WatchEventType Type, string Key, long Revision, KeyValue? Current, KeyValue? Previous);

/// <summary>The changes of one commit under a watched prefix (never empty), in the order the commit made them.</summary>
public sealed record WatchBatch(long Revision, IReadOnlyList<WatchEvent> Events);
