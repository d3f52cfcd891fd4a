using Turnstile.Core.Snapshots;

namespace Turnstile.Cli.Offline;

/// <summary>Reads every regular file of a snapshot directory (recursively, hidden files excluded) into a <see cref="Snapshot"/>.</summary>
public static class SnapshotDirectory
{
    public static Snapshot Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new Commands.UsageException(File.Exists(directory)
                ? $"--snapshot {directory}: is a file; pass the directory that holds the snapshot files"
                : $"--snapshot {directory}: no such directory");
        var files = new List<SnapshotFile>();
        var unreadable = new List<SnapshotMessage>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                     .Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, path);
            if (name.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            try
            {
                files.Add(new SnapshotFile(name, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new SnapshotMessage(name, SnapshotMessageLevel.Error, "cannot be read: " + e.Message));
            }
        }
        var snapshot = SnapshotReader.Read(files);
        return snapshot with { Messages = unreadable.Concat(snapshot.Messages).ToArray() };
    }
}
