using System.Data.Common;
using Turnstile.State;

namespace Turnstile.Storage;

/// <summary>
/// The row shapes both SQL backends share: a value is (key, value, create_rev, mod_rev); a change is one event of a
/// commit, with the value before it so a watcher can report what a delete removed.
/// </summary>
internal static class StoredRows
{
    public const string ValueColumns = "key, value, create_rev, mod_rev";

    public const string ChangeColumns = "revision, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev";

    public const short PutType = 0;
    public const short DeleteType = 1;

    public static KeyValue ReadValue(DbDataReader reader, int first = 0) =>
        new(reader.GetString(first), reader.GetFieldValue<byte[]>(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3));

    public static async Task<List<KeyValue>> ReadValuesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var values = new List<KeyValue>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) values.Add(ReadValue(reader));
        return values;
    }

    /// <summary>Reads rows of <see cref="ChangeColumns"/> ordered by revision into one batch per commit.</summary>
    public static async Task<List<WatchBatch>> ReadBatchesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var batches = new List<WatchBatch>();
        List<WatchEvent>? events = null;
        var revision = 0L;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowRevision = reader.GetInt64(0);
            if (events is null || rowRevision != revision)
            {
                if (events is not null) batches.Add(new WatchBatch(revision, events));
                events = [];
                revision = rowRevision;
            }
            var key = reader.GetString(1);
            var current = reader.GetInt16(2) == PutType
                ? new KeyValue(key, reader.GetFieldValue<byte[]>(3), reader.GetInt64(4), rowRevision)
                : null;
            var previous = reader.IsDBNull(7)
                ? null
                : new KeyValue(key, reader.GetFieldValue<byte[]>(5), reader.GetInt64(6), reader.GetInt64(7));
            events.Add(new WatchEvent(current is null ? WatchEventType.Delete : WatchEventType.Put, key, rowRevision, current, previous));
        }
        if (events is not null) batches.Add(new WatchBatch(revision, events));
        return batches;
    }
}
