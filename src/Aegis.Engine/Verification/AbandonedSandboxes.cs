using System.Diagnostics;
using System.Globalization;

namespace Aegis.Engine.Verification;

/// <summary>
/// Copies whose engine was killed before it could remove them. Cancellation removes the copy, but Ctrl+C on
/// <c>dotnet build</c> ends with MSBuild killing the engine outright, and a kill runs no clean-up. So each copy has an
/// owner file beside it (<c>aegis-sandbox-x.owner</c>) that its engine holds open and locked for the copy's lifetime,
/// and every sandbox run first removes the copies whose owner file it can lock: the operating system drops a lock
/// when its process ends, however it ends, so a lock taken proves the owner gone (a reused process id changes
/// nothing). A copy without an owner file is never touched.
/// </summary>
/// <remarks>
/// The lock is <see cref="FileShare.None"/>: on Windows a sharing mode no other handle can pass, on Linux and macOS
/// the <c>flock(LOCK_EX)</c> .NET takes for it (per open file, so it also holds against another stream in the same
/// process, and .NET opens files close-on-exec, so the builds and tests the engine starts never inherit it).
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns that <c>flock</c> off: such an engine writes the older, unlocked
/// owner file (judged by process id and start time), and removes no locked copy, since it cannot probe one.
/// </remarks>
internal static class AbandonedSandboxes
{
    private const string OwnerExtension = ".owner";

    // What an owner file of this engine says: the marker, then the process id and start time, for people.
    private const string LockedMarker = "locked";

    /// <summary>Whether this process's <see cref="FileShare.None"/> locks anything (Windows always; elsewhere unless switched off).</summary>
    internal static readonly bool CanLock = OperatingSystem.IsWindows()
        || !((AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
            || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true" or "True" or "TRUE");

    /// <summary>How long <see cref="Claim"/> waits for a sweeping engine that is looking at a fresh owner file.</summary>
    private static readonly TimeSpan ClaimPatience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Creates and locks the owner file before the copy exists, so there is never a copy without one; the lock lasts
    /// until the returned ownership is disposed (after the copy is removed) or the process ends.
    /// </summary>
    public static IDisposable Claim(string sandbox)
    {
        var path = sandbox + OwnerExtension;
        var stopwatch = Stopwatch.StartNew();
        FileStream? stream = null;
        while (stream is null)
        {
            try
            {
                // Unbuffered: a write that fails (a full disk) fails here, not again when the stream is disposed.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (IOException) when (stopwatch.Elapsed < ClaimPatience)
            {
                // Between our create and our lock, a sweep may hold the new (still empty) file for a moment.
                Thread.Sleep(20);
            }
        }

        try
        {
            using var self = Process.GetCurrentProcess();
            var text = CanLock
                ? LockedMarker + " " + self.Id.ToString(CultureInfo.InvariantCulture) + " " + self.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + "\n"
                : self.Id.ToString(CultureInfo.InvariantCulture) + " " + self.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture) + "\n";
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            return new Ownership(stream, path);
        }
        catch
        {
            // A full disk: let go of the lock now (not when the stream is collected) and leave no owner file behind.
            stream.Dispose();
            TryDeleteFile(path);
            throw;
        }
    }

    /// <summary>Removes every copy in <paramref name="temporaryFolder"/> whose owning engine no longer runs. Never throws.</summary>
    public static void Sweep(string temporaryFolder) => Sweep(temporaryFolder, CanLock);

    internal static void Sweep(string temporaryFolder, bool canLock)
    {
        // Kept copies have no owner file (their lock says whether one is in use): removed when unused for days or orphaned.
        KeptSandbox.Remove(temporaryFolder, repositoryRoot: null, unusedOnly: true, DateTime.UtcNow);
        IEnumerable<string> owners;
        try
        {
            owners = Directory.GetFiles(temporaryFolder, RepositorySandbox.SandboxPrefix + "*" + OwnerExtension);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var owner in owners)
        {
            if (!TryTakeAbandoned(owner, canLock, out var probe))
            {
                continue;
            }

            // Removed while holding the dead owner's lock, so two sweeping engines never remove one copy at once.
            var sandbox = owner[..^OwnerExtension.Length];
            using (probe)
            {
                RepositorySandbox.TryDelete(sandbox);
            }

            if (!Directory.Exists(sandbox))
            {
                TryDeleteFile(owner);
            }
        }
    }

    /// <summary>
    /// The owner file's lock when its engine is gone. A file locked by another handle: alive. An empty file: an engine
    /// between creating and locking it. A locked-kind file when this process cannot lock: alive (no probe proves
    /// anything). An unlocked file (an older engine's, or one whose locking is off: id and start ticks): alive while a
    /// process of that id started within a second of it runs. Unreadable: assume alive.
    /// </summary>
    private static bool TryTakeAbandoned(string owner, bool canLock, out FileStream? probe)
    {
        probe = null;
        try
        {
            probe = new FileStream(owner, FileMode.Open, FileAccess.Read, FileShare.None);
            using var reader = new StreamReader(probe, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 256, leaveOpen: true);
            var text = reader.ReadToEnd().Trim();
            var abandoned = text.StartsWith(LockedMarker + " ", StringComparison.Ordinal) ? canLock : text.Length > 0 && IsOlderEngineGone(text);
            if (!abandoned)
            {
                probe.Dispose();
                probe = null;
            }

            return abandoned;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            probe?.Dispose();
            probe = null;
            return false;
        }
    }

    /// <summary>An owner file without a lock: "&lt;pid&gt; &lt;start ticks&gt;". Its start time, read again, may differ
    /// by fractions of a millisecond on Linux, so it is compared to the second; anything unreadable is alive.</summary>
    private static bool IsOlderEngineGone(string owner)
    {
        var parts = owner.Split(' ');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - ticks) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The held lock. Disposed after the copy is removed: unlocks, then deletes the owner file (Windows cannot
    /// delete a file its own exclusive handle holds; a sweep that locks it in between finds no copy to remove).</summary>
    private sealed class Ownership(FileStream stream, string path) : IDisposable
    {
        public void Dispose()
        {
            stream.Dispose();
            TryDeleteFile(path);
        }
    }
}
