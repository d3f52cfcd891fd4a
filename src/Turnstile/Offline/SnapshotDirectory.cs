using System.Text;
using Mono.Unix;
using Turnstile.Cli.Commands;
using Turnstile.Core.Snapshots;

namespace Turnstile.Cli.Offline;

/// <summary>
/// Reads the regular files of a snapshot directory (recursively; names starting with <c>.</c> are skipped) into a
/// <see cref="Snapshot"/>. FIFOs, sockets and devices, or links to them, are skipped with a warning and never opened
/// (opening a FIFO waits for a writer; reading a device may never end). A file larger than <see cref="MaxFileBytes"/>
/// or not UTF-8 (or UTF-16 with a byte order mark) text is an error.
/// </summary>
public static class SnapshotDirectory
{
    /// <summary>The largest snapshot file read: far above the RBAC export of a cluster with 20,000 bindings.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Snapshot Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new UsageException(File.Exists(directory)
                ? $"--snapshot {directory}: is a file; pass the directory that holds the snapshot files"
                : $"--snapshot {directory}: no such directory");
        var files = new List<SnapshotFile>();
        var messages = new List<SnapshotMessage>();
        var entries = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                     .Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, path);
            if (name.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            entries++;
            try
            {
                if (NotRegular(path) is { } kind)
                {
                    messages.Add(new SnapshotMessage(name, SnapshotMessageLevel.Warning, $"is {kind}, not a regular file; skipped"));
                    continue;
                }
                files.Add(new SnapshotFile(name, ReadText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or UnixIOException)
            {
                messages.Add(new SnapshotMessage(name, SnapshotMessageLevel.Error, "cannot be read: " + e.Message));
            }
            catch (FileTooLargeException e)
            {
                messages.Add(new SnapshotMessage(name, SnapshotMessageLevel.Error, e.Message));
            }
            catch (DecoderFallbackException e)
            {
                messages.Add(new SnapshotMessage(name, SnapshotMessageLevel.Error,
                    $"is not UTF-8 text (invalid byte sequence at byte {e.Index}); export it again as UTF-8"));
            }
        }
        if (entries == 0)
            throw new UsageException($"--snapshot {directory}: the directory is empty (names starting with '.' are skipped); an empty directory is not a snapshot");
        var snapshot = SnapshotReader.Read(files);
        return snapshot with { Messages = messages.Concat(snapshot.Messages).ToArray() };
    }

    /// <summary>What the path is (following links) when it is not a regular file, else null; nothing is opened.</summary>
    private static string? NotRegular(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        return new UnixFileInfo(path).FileType switch
        {
            FileTypes.RegularFile => null,
            FileTypes.Fifo => "a FIFO (named pipe)",
            FileTypes.Socket => "a socket",
            FileTypes.CharacterDevice => "a character device",
            FileTypes.BlockDevice => "a block device",
            FileTypes.Directory => "a directory",
            var other => $"a {other}",
        };
    }

    private static string ReadText(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes) throw TooLarge();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        // The length may be unknown or wrong (procfs), so the read itself stops past the limit.
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxFileBytes) throw TooLarge();
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => StrictUtf8.GetString(bytes[3..]),
            [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]),
            [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true).GetString(bytes[2..]),
            _ => StrictUtf8.GetString(bytes),
        };
    }

    private static FileTooLargeException TooLarge() =>
        new($"is larger than {MaxFileBytes / (1024 * 1024)} MiB, the limit for one snapshot file; split the export (e.g. one file per kind)");

    private sealed class FileTooLargeException(string message) : Exception(message);
}
