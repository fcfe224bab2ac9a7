using System.Diagnostics;
using System.Globalization;

namespace Aegis.Package.Tests.EndToEnd;

/// <summary>
/// The warm engine servers a test's builds started in the test's own <c>AEGIS_SERVER_DIR</c>: found by their pid files
/// and stopped, so no test leaves a process behind. Linked into Aegis.Reliability.Tests.
/// </summary>
public static class WarmServers
{
    /// <summary>The pids of the servers whose pid files are in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<int> Pids(string directory)
        => Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.pid").Select(f => File.ReadLines(f).FirstOrDefault()).Where(l => l is not null).Select(l => int.Parse(l!, CultureInfo.InvariantCulture)).ToArray()
            : [];

    /// <summary>Whether a process whose command line names <paramref name="directory"/> runs <c>server run</c> (Linux /proc).</summary>
    public static bool AnyProcessServing(string directory)
    {
        if (!Directory.Exists("/proc"))
        {
            return Pids(directory).Any(IsAlive);
        }

        foreach (var process in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(" server run ", StringComparison.Ordinal) && commandLine.Contains(directory, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return false;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Kills every server of <paramref name="directory"/> and waits until none is left.</summary>
    public static void StopAll(string directory)
    {
        foreach (var pid in Pids(directory))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
