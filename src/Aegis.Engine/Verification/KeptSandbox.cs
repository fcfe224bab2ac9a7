using System.Globalization;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Verification;

/// <summary>
/// The repository sandbox kept between verifications: one copy per repository root and user, in a private (0700)
/// folder <c>aegis-sandbox-kept-&lt;hash&gt;</c> of the temporary folder, held by an exclusive lock for one run at a
/// time. A run syncs it to the live tree (copies what changed, deletes what the live tree no longer has, never touches
/// bin/ or obj/), so the build that follows is incremental; the run's changes are reverted before the lock is let go,
/// so the copy is always "the live tree as of the last sync" plus build outputs and no run sees an earlier run's patch.
/// </summary>
/// <remarks>
/// Folder layout: <c>lock</c> (the lock file), <c>state.json</c> (what was synced: per file the live and the copy's
/// size and time, so a file a verify command changed in the copy is copied again), <c>dirty</c> (present while changes
/// are applied or a sync is under way: a run that finds it resyncs every file) and <c>tree/</c> (the copy).
/// Every synced or reverted file gets a new modification time: MSBuild decides by timestamps, and a file reverted to
/// older content must still rebuild.
/// </remarks>
internal sealed class KeptSandbox : IDisposable
{
    /// <summary>Every kept copy is a folder of the temporary folder named so (also an <see cref="RepositorySandbox.SandboxPrefix"/> name).</summary>
    public const string Prefix = RepositorySandbox.SandboxPrefix + "kept-";

    /// <summary>A kept copy unused this long is removed by the sandbox sweep.</summary>
    public static readonly TimeSpan UnusedLifetime = TimeSpan.FromDays(7);

    private const string LockName = "lock";
    private const string StateName = "state.json";
    private const string DirtyName = "dirty";
    private const string TreeName = "tree";

    /// <summary>Bumped when the state file's meaning changes: an older state is then resynced from scratch.</summary>
    private const int StateVersion = 1;

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly IDisposable held;
    private readonly string repositoryRoot;
    private Dictionary<string, FileStamp> synced = new(StringComparer.Ordinal);

    // Set once a sync completed: a run cut short before that leaves the dirty marker for the next one.
    private bool isSynced;

    private KeptSandbox(string folder, string repositoryRoot, IDisposable held)
    {
        Folder = folder;
        this.repositoryRoot = repositoryRoot;
        this.held = held;
    }

    /// <summary>The kept folder (lock, state, tree).</summary>
    public string Folder { get; }

    /// <summary>The copy itself: what the build and tests run in.</summary>
    public string Tree => Path.Combine(Folder, TreeName);

    /// <summary>The kept folder of <paramref name="repositoryRoot"/> for this user (another user's copy is another folder).</summary>
    public static string FolderFor(string temporaryFolder, string repositoryRoot)
        => Path.Combine(temporaryFolder, Prefix + Hashing.Sha256(Environment.UserName + "\0" + NormalizedRoot(repositoryRoot))[..16]);

    /// <summary>
    /// The kept copy of <paramref name="repositoryRoot"/>, created when missing; null (with the reason) when another
    /// verification holds it or the folder is not this user's private one: the caller then makes a fresh copy.
    /// </summary>
    public static KeptSandbox? TryOpen(string temporaryFolder, string repositoryRoot, out string reason)
    {
        var folder = FolderFor(temporaryFolder, repositoryRoot);
        try
        {
            if (!Directory.Exists(folder))
            {
                CreatePrivateFolder(folder);
            }
            else if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(folder) != PrivateMode)
            {
                // Not the folder this engine makes (another user's, or loosened): never build in it.
                reason = "the kept copy's folder " + folder + " is not private (0700)";
                return null;
            }

            var held = FileLock.TryAcquire(Path.Combine(folder, LockName));
            if (held is null)
            {
                reason = "the kept copy is in use by another verification";
                return null;
            }

            reason = "";
            return new KeptSandbox(folder, NormalizedRoot(repositoryRoot), held);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            reason = "the kept copy cannot be opened: " + exception.Message;
            return null;
        }
    }

    /// <summary>What one sync did, for the output and the tests: files copied, deleted and looked at, and why it started over.</summary>
    public sealed record SyncReport(int Copied, int Deleted, int Files, string? StartedOver)
    {
        public override string ToString()
            => "kept copy: " + Number(Copied) + " of " + Number(Files) + " file(s) copied, " + Number(Deleted) + " deleted"
               + (StartedOver is null ? "" : " (" + StartedOver + ")");

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Makes the copy the live tree's <paramref name="files"/>: each file whose live or copy size or time differs from
    /// the last sync is copied (with a new time), each copy file the live tree no longer lists is deleted (bin/ obj/
    /// and .git/ excepted). A dirty or unreadable state resyncs every file.
    /// </summary>
    public SyncReport Sync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var startedOver = LoadState();
        // A sync cut short leaves some files copied and the state old: the marker makes the next run resync them all.
        MarkDirty();
        Directory.CreateDirectory(Tree);
        var live = new HashSet<string>(files, StringComparer.Ordinal);
        var next = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        var copied = 0;
        foreach (var relative in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var copyInfo = new FileInfo(Path.Combine(Tree, relative));
            if (synced.TryGetValue(relative, out var stamp) && copyInfo.Exists && stamp.Matches(new FileInfo(Path.Combine(repositoryRoot, relative)), copyInfo))
            {
                next[relative] = stamp;
                continue;
            }

            next[relative] = CopyFromLive(relative);
            copied++;
        }

        var deleted = 0;
        foreach (var relative in CopyFiles(Tree))
        {
            if (!live.Contains(relative))
            {
                File.Delete(Path.Combine(Tree, relative));
                deleted++;
            }
        }

        synced = next;
        SaveState();
        ClearDirty();
        isSynced = true;
        return new SyncReport(copied, deleted, files.Count, startedOver);
    }

    /// <summary>Before changes are applied: a run killed while they are in the copy leaves the marker behind.</summary>
    public void MarkDirty() => File.WriteAllText(Path.Combine(Folder, DirtyName), "changes applied; resync every file\n");

    /// <summary>
    /// Puts the live content back over every file <paramref name="changes"/> touched (or removes a file the live tree
    /// does not have), then clears the dirty marker. A failure leaves the marker, so the next run resyncs everything.
    /// </summary>
    public void Revert(IReadOnlyList<FileChange> changes)
    {
        if (!isSynced)
        {
            return;
        }

        foreach (var change in changes)
        {
            var source = Path.Combine(repositoryRoot, change.RelativePath);
            var target = Path.Combine(Tree, change.RelativePath);
            if (File.Exists(source) && synced.ContainsKey(change.RelativePath))
            {
                synced[change.RelativePath] = CopyFromLive(change.RelativePath);
            }
            else if (File.Exists(target))
            {
                // A file the change created (or one the last sync did not copy): the next sync decides what belongs here.
                File.Delete(target);
                synced.Remove(change.RelativePath);
            }
        }

        SaveState();
        ClearDirty();
    }

    /// <summary>The live file copied over the copy's, with a new time (MSBuild must see it as changed), and its stamp.</summary>
    private FileStamp CopyFromLive(string relative)
    {
        var source = Path.Combine(repositoryRoot, relative);
        var target = Path.Combine(Tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        return FileStamp.Of(new FileInfo(source), Touch(target));
    }

    /// <summary>Deletes the copy and its state (a damaged copy): the next run starts from scratch. The lock stays held.</summary>
    public void Discard()
    {
        RepositorySandbox.TryDelete(Tree);
        TryDeleteFile(Path.Combine(Folder, StateName));
        synced.Clear();
        isSynced = false;
    }

    public void Dispose() => held.Dispose();

    /// <summary>
    /// Removes kept copies: those of <paramref name="repositoryRoot"/> (every one when null), or with
    /// <paramref name="unusedOnly"/> those unused for <see cref="UnusedLifetime"/> or whose repository is gone. A copy
    /// in use (its lock held) is left. Never throws; returns the folders removed.
    /// </summary>
    public static IReadOnlyList<string> Remove(string temporaryFolder, string? repositoryRoot, bool unusedOnly, DateTime nowUtc)
    {
        var removed = new List<string>();
        IEnumerable<string> folders;
        try
        {
            folders = repositoryRoot is null
                ? Directory.GetDirectories(temporaryFolder, Prefix + "*")
                : new[] { FolderFor(temporaryFolder, repositoryRoot) }.Where(Directory.Exists);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (var folder in folders)
        {
            try
            {
                if (unusedOnly && !IsUnused(folder, nowUtc))
                {
                    continue;
                }

                using var held = FileLock.TryAcquire(Path.Combine(folder, LockName));
                if (held is null)
                {
                    continue;
                }

                RepositorySandbox.TryDelete(Path.Combine(folder, TreeName));
                foreach (var file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != LockName))
                {
                    TryDeleteFile(file);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // The lock file last, once let go (Windows cannot delete a file its own handle holds).
            RepositorySandbox.TryDelete(folder);
            if (!Directory.Exists(folder))
            {
                removed.Add(folder);
            }
        }

        return removed;
    }

    /// <summary>Unused: its state was last written <see cref="UnusedLifetime"/> ago, or names a repository that is gone.</summary>
    private static bool IsUnused(string folder, DateTime nowUtc)
    {
        var state = Path.Combine(folder, StateName);
        if (!File.Exists(state))
        {
            // Never synced (or discarded): judged by the folder's own time.
            return nowUtc - Directory.GetLastWriteTimeUtc(folder) > UnusedLifetime;
        }

        if (nowUtc - File.GetLastWriteTimeUtc(state) > UnusedLifetime)
        {
            return true;
        }

        return ReadState(state) is { } read && !Directory.Exists(read.Repository);
    }

    /// <summary>Loads the last sync's state; null when it is usable, else why every file is copied again.</summary>
    private string? LoadState()
    {
        synced = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        var path = Path.Combine(Folder, StateName);
        if (!Directory.Exists(Tree))
        {
            return File.Exists(path) ? "its tree was missing" : null;
        }

        if (File.Exists(Path.Combine(Folder, DirtyName)))
        {
            return "an earlier run was interrupted";
        }

        if (ReadState(path) is not { } state)
        {
            return "its state was missing or unreadable";
        }

        if (state.Repository != repositoryRoot)
        {
            return "it belonged to another repository";
        }

        synced = state.Files;
        return null;
    }

    private static KeptState? ReadState(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != StateVersion)
            {
                return null;
            }

            var files = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
            foreach (var file in root.GetProperty("files").EnumerateObject())
            {
                var values = file.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray();
                files[file.Name] = new FileStamp(values[0], values[1], values[2], values[3]);
            }

            return new KeptState(root.GetProperty("repository").GetString() ?? "", files);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            return null;
        }
    }

    private void SaveState()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", StateVersion);
            writer.WriteString("repository", repositoryRoot);
            writer.WriteStartObject("files");
            foreach (var (relative, stamp) in synced.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray(relative);
                writer.WriteNumberValue(stamp.LiveLength);
                writer.WriteNumberValue(stamp.LiveTicks);
                writer.WriteNumberValue(stamp.CopyLength);
                writer.WriteNumberValue(stamp.CopyTicks);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var path = Path.Combine(Folder, StateName);
        AtomicFile.WriteAllText(path, System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n");
        // The sweep reads "last used" from this time, also when the content did not change.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
    }

    private void ClearDirty() => TryDeleteFile(Path.Combine(Folder, DirtyName));

    /// <summary>The copy's files outside bin/, obj/ and .git/, relative and with '/' separators, as git lists them.</summary>
    private static IEnumerable<string> CopyFiles(string tree)
    {
        var pending = new Stack<string>();
        pending.Push(tree);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                yield return RepositoryPaths.Relative(tree, file);
            }

            foreach (var child in Directory.EnumerateDirectories(directory))
            {
                if (Path.GetFileName(child) is not ("bin" or "obj" or ".git"))
                {
                    pending.Push(child);
                }
            }
        }
    }

    /// <summary>A new modification time (the copy keeps none of the live file's): what MSBuild compares with its outputs.</summary>
    private static FileInfo Touch(string path)
    {
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        var info = new FileInfo(path);
        info.Refresh();
        return info;
    }

    private static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        Directory.CreateDirectory(folder, PrivateMode);
        // The process umask may have narrowed it further; the check on reuse wants exactly 0700.
        File.SetUnixFileMode(folder, PrivateMode);
    }

    private static string NormalizedRoot(string repositoryRoot) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryRoot));

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record KeptState(string Repository, Dictionary<string, FileStamp> Files);

    /// <summary>Sizes and modification times (UTC ticks) of the live file and of its copy when last synced.</summary>
    private sealed record FileStamp(long LiveLength, long LiveTicks, long CopyLength, long CopyTicks)
    {
        public static FileStamp Of(FileInfo live, FileInfo copy)
            => new(live.Length, live.LastWriteTimeUtc.Ticks, copy.Length, copy.LastWriteTimeUtc.Ticks);

        public bool Matches(FileInfo live, FileInfo copy)
            => live.Length == LiveLength && live.LastWriteTimeUtc.Ticks == LiveTicks && copy.Length == CopyLength && copy.LastWriteTimeUtc.Ticks == CopyTicks;
    }
}
