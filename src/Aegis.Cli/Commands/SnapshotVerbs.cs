using System.Diagnostics;
using System.CommandLine;
using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Snapshots;

namespace Aegis.Cli.Commands;

/// <summary>What the snapshot, drift, baseline and status verbs share: the target, the root, the exit codes, the printing.</summary>
internal static class SnapshotVerbs
{
    public static Argument<string> Target()
        => new("target") { Description = "A folder, .sln/.slnx or .csproj (default: the current folder).", DefaultValueFactory = _ => "." };

    public static string Root(string target, string? repositoryRoot)
        => Path.GetFullPath(repositoryRoot ?? RepositoryPaths.FindRoot(target));

    public static Action<string>? Progress(CliContext context, bool json)
        => context.ShowsProgress(json) ? line => context.Stderr.WriteLine(line) : null;

    /// <summary>The baseline an update ratchets from: null when there is none; AEGB005 when corrupt, AEGB061 when foreign.</summary>
    public static ResolvedBaseline? UsableBaseline(string root)
    {
        var existing = Baselines.Resolve(root, null);
        if (existing is not null)
        {
            Baselines.MustBeFromThisRepository(root, existing);
        }

        return existing;
    }

    /// <summary>Coded errors of these verbs: too many new incidents is a failed gate (1), a bad output 3, the rest the user's (2).</summary>
    public static async Task<int> RunAsync(CliContext context, bool json, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (AegisException exception) when (exception.Code is not (ErrorCodes.BadCompileInputs or ErrorCodes.GateFailed or ErrorCodes.SandboxFailure or ErrorCodes.EngineCrashed))
        {
            var exit = exception.Code == ErrorCodes.OutputNotWritable ? ExitCodes.InternalError : ExitCodes.UsageError;
            return AegisCommandLine.Fail(context.Args, context.Stdout, context.Stderr, exit, exception.Code, exception.Message);
        }
    }

    public static void WarnOfNotAdded(CliContext context, RatchetResult ratchet)
    {
        if (ratchet.NotAdded > 0)
        {
            context.Warn(ErrorCodes.NewIncidentsNotBaselined, $"{ratchet.NotAdded.ToString(CultureInfo.InvariantCulture)} new incident(s) not added to the baseline: fix them, or take them in with aegis baseline update --accept-new --why <text>");
        }
    }

    public static string DescribeRatchet(string root, string baselinePath, RatchetResult ratchet)
        => ratchet.Created
            ? $"aegis: baseline created → {RepositoryPaths.Relative(root, baselinePath)}: {N(ratchet.Kept)} incident(s) accepted as existing debt; builds now fail only on new ones"
            : $"aegis: baseline updated → {RepositoryPaths.Relative(root, baselinePath)}: {N(ratchet.Kept)} kept, {N(ratchet.Dropped)} resolved dropped, {N(ratchet.Added)} new accepted, {N(ratchet.NotAdded)} new not added";

    public static void WriteSummary(JsonText json, string root, string path, Snapshot snapshot)
        => json.BeginObject()
            .Property("path", RepositoryPaths.Relative(root, path))
            .Property("id", snapshot.Id)
            .Property("name", snapshot.Name)
            .Property("created_at", snapshot.CreatedAt)
            .Property("incidents", snapshot.Incidents.Count)
            .Name("health_score").Number(snapshot.HealthScore, "0.00")
            .Property("lines_of_code", snapshot.LinesOfCode)
            .Property("files", snapshot.Files.Count)
            .EndObject();

    public static void WriteRatchet(JsonText json, string root, string? baselinePath, RatchetResult? ratchet)
    {
        if (ratchet is null || baselinePath is null)
        {
            json.Null();
            return;
        }

        json.BeginObject()
            .Property("path", RepositoryPaths.Relative(root, baselinePath))
            .Property("id", ratchet.Baseline.Id)
            .Property("created", ratchet.Created)
            .Property("incidents", ratchet.Baseline.Incidents.Count)
            .Property("kept", ratchet.Kept)
            .Property("dropped", ratchet.Dropped)
            .Property("added", ratchet.Added)
            .Property("not_added", ratchet.NotAdded)
            .EndObject();
    }

    public static void WriteWarnings(JsonText json, CliContext context)
    {
        json.Name("warnings").BeginArray();
        foreach (var (code, message) in context.Warnings)
        {
            json.BeginObject().Property("code", code).Property("message", message).EndObject();
        }

        json.EndArray();
    }

    /// <summary>Who accepts: <c>--by</c>, else git's user.name, else $USER.</summary>
    public static string Who(CliContext context, string root, string? by)
        => !string.IsNullOrWhiteSpace(by) ? by.Trim() : GitUserName(root) ?? context.Environment("USER") ?? context.Environment("USERNAME") ?? "";

    private static string? GitUserName(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", new[] { "config", "user.name" }) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null)
            {
                return null;
            }

            var name = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(5000) && git.ExitCode == 0 && name.Length > 0 ? name : null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
