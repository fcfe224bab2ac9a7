namespace Aegis.Engine.Infrastructure;

/// <summary>
/// A cross-process lock: an exclusive (<see cref="FileShare.None"/>) handle on a lock file, which on Linux and macOS is
/// the <c>flock(LOCK_EX)</c> .NET takes for it, released when the handle is disposed or its process ends however it
/// ends. The lock file is never deleted: unlinking it while another process waits would hand out two locks.
/// </summary>
public static class FileLock
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits (bounded, with jitter) for the lock; AEGB006 naming the file when it never comes.</summary>
    public static IDisposable Acquire(string path, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        while (true)
        {
            try
            {
                return Open(path);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
            catch (IOException exception)
            {
                throw new AegisException(ErrorCodes.OutputNotWritable, "timed out waiting for the lock " + path + ": " + exception.Message, exception);
            }
        }
    }

    /// <summary>The lock when it is free now, else null: for a caller with somewhere else to go (it never waits).</summary>
    public static IDisposable? TryAcquire(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return Open(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FileStream Open(string path) => new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
}
