using System.Diagnostics;

namespace Aegis.Reliability.Tests.Infrastructure;

/// <summary>
/// A tiny tmpfs mounted on a folder, to fill up: a real "no space left on device". Mounting needs root with
/// CAP_SYS_ADMIN (the CI container has it); <see cref="TryMount"/> returns null where it is refused.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    /// <summary>Whether this process may mount a tmpfs: tried once, on a scratch folder.</summary>
    public static bool CanMount { get; } = Probe();

    public static SmallDisk? TryMount(string path, int kilobytes)
    {
        Directory.CreateDirectory(path);
        return Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path) == 0 ? new SmallDisk(path) : null;
    }

    /// <summary>Writes a filler file until the disk refuses one more byte.</summary>
    public void Fill()
    {
        foreach (var size in new[] { 4096, 1 })
        {
            // Unbuffered, so a full disk fails the write and not Dispose; reopened per size, so a partial write's
            // bytes are not overwritten by the next write at a stale position.
            using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
            var block = new byte[size];
            try
            {
                for (var i = 0; i < 1 << 20; i++)
                {
                    filler.Write(block);
                }

                throw new InvalidOperationException("the disk at " + Path + " never filled up");
            }
            catch (IOException)
            {
                // Full at this block size; the next, smaller one takes the rest.
            }
        }
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static bool Probe()
    {
        var scratch = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aegis-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var disk = TryMount(scratch, 16);
            return disk is not null;
        }
        finally
        {
            Directory.Delete(scratch);
        }
    }

    private static int Run(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}

/// <summary>A test that needs <see cref="SmallDisk"/>; skipped, with the reason, where mounting a tmpfs is refused.</summary>
public sealed class RequiresTmpfsFactAttribute : FactAttribute
{
    public RequiresTmpfsFactAttribute()
    {
        if (!SmallDisk.CanMount)
        {
            Skip = "mounting a tmpfs is refused here (needs root with CAP_SYS_ADMIN, as the CI container has)";
        }
    }
}
