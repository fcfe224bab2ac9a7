using System.Diagnostics;
using System.Globalization;

namespace Aegis.Engine.Verification;

/// <summary>
/// Copies whose engine was killed before it could remove them. Cancellation removes the copy, but Ctrl+C on
/// <c>dotnet build</c> ends with MSBuild killing the engine outright, and a kill runs no clean-up. So each copy has an
/// owner file beside it (<c>aegis-sandbox-x.owner</c>: the engine's process id and start time), and every sandbox run
/// first removes the copies whose owner is gone. A copy without an owner file is never touched.
/// </summary>
internal static class AbandonedSandboxes
{
    private const string OwnerExtension = ".owner";

    /// <summary>Writes the owner file before the copy exists, so there is never a copy without one.</summary>
    public static void Claim(string sandbox)
    {
        using var self = Process.GetCurrentProcess();
        File.WriteAllText(sandbox + OwnerExtension, Describe(self.Id, self.StartTime));
    }

    public static void Release(string sandbox) => TryDeleteFile(sandbox + OwnerExtension);

    /// <summary>Removes every copy in <paramref name="temporaryFolder"/> whose owning engine no longer runs. Never throws.</summary>
    public static void Sweep(string temporaryFolder)
    {
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
            string text;
            try
            {
                text = File.ReadAllText(owner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (IsAlive(text))
            {
                continue;
            }

            var sandbox = owner[..^OwnerExtension.Length];
            RepositorySandbox.TryDelete(sandbox);
            if (!Directory.Exists(sandbox))
            {
                TryDeleteFile(owner);
            }
        }
    }

    private static string Describe(int processId, DateTime startTime)
        => processId.ToString(CultureInfo.InvariantCulture) + " " + startTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture) + "\n";

    /// <summary>The owner still runs: that id, started at that time (a reused id is another process). Unreadable: assume alive.</summary>
    private static bool IsAlive(string owner)
    {
        var parts = owner.Trim().Split(' ');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return process.StartTime.ToUniversalTime().Ticks == ticks;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
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
}
