using System.Reflection;
using System.Text.Json.Nodes;
using Aegis.Analyzers.Profile;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Snapshots;

/// <summary>
/// The repository's state now, as a snapshot (not yet written): the same projects, compile inputs and incident
/// collector as <c>aegis scan</c>, without patches or a sandbox — a snapshot records, it does not repair.
/// </summary>
public static class LiveState
{
    public static async Task<Snapshot> ScanAsync(string repositoryRoot, string target, AnalyzerCatalog catalog, string? name, Action<string>? progress, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var root = Path.GetFullPath(repositoryRoot);
        var projects = MsBuildInputs.DiscoverProjects(target);
        if (projects.Count == 0)
        {
            throw new AegisException(ErrorCodes.BadCompileInputs, "no C# projects under " + target);
        }

        var compilations = new List<Microsoft.CodeAnalysis.Compilation>();
        var incidents = new List<Incident>();
        var profiles = new List<KeyValuePair<string, RepositoryProfile>>();
        foreach (var projectPath in projects)
        {
            progress?.Invoke("aegis: snapshot " + RepositoryPaths.Relative(root, projectPath));
            var inputs = await MsBuildInputs.ReadAsync(projectPath, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            var project = LoadedProject.Load(inputs, cancellationToken);
            compilations.Add(project.Compilation);
            incidents.AddRange(await IncidentCollector.CollectAsync(project, catalog, root, cancellationToken).ConfigureAwait(false));
            profiles.Add(KeyValuePair.Create(project.Compilation.AssemblyName ?? inputs.AssemblyName, RepositoryProfileBuilder.Build(project.Compilation, cancellationToken)));
        }

        // One incident per fingerprint and secret, as the card lists them (a file compiled by two projects counts once).
        var unique = incidents.GroupBy(i => (i.Fingerprint, i.SecretHash)).Select(g => SnapshotIncident.From(g.First())).ToList();
        var lines = CSharpLines.Count(compilations, root);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var byAssembly = profiles.GroupBy(p => p.Key, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Single()).OrderBy(p => p.Key, StringComparer.Ordinal);
        return new Snapshot
        {
            Id = SnapshotStore.NewId(now),
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            CreatedAt = Timestamp(now),
            ToolVersion = ToolVersion,
            RepositoryName = new DirectoryInfo(root).Name,
            GitHead = GitHead(root),
            LinesOfCode = lines,
            HealthScore = HealthScore.Compute(unique, lines),
            Profile = JsonNode.Parse(RepositoryProfile.ToJson(byAssembly)) as JsonObject ?? new JsonObject(),
            Files = RepositoryFiles.Hash(root, cancellationToken),
            Incidents = SnapshotJson.Ordered(unique).ToList(),
        };
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The engine's version, without the source-revision suffix.</summary>
    public static string ToolVersion { get; } = (typeof(LiveState).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0").Split('+')[0];

    /// <summary>The commit HEAD names, read from <c>.git</c> (no git process); null outside git or when it cannot be read.</summary>
    public static string? GitHead(string repositoryRoot)
    {
        try
        {
            var git = Path.Combine(repositoryRoot, ".git");
            if (File.Exists(git))
            {
                var pointer = File.ReadAllText(git).Trim();
                git = pointer.StartsWith("gitdir:", StringComparison.Ordinal) ? Path.GetFullPath(Path.Combine(repositoryRoot, pointer["gitdir:".Length..].Trim())) : git;
            }

            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
            {
                return head.Length == 40 ? head : null;
            }

            var reference = head["ref:".Length..].Trim();
            // A worktree's refs live in the common folder.
            var common = File.Exists(Path.Combine(git, "commondir")) ? Path.GetFullPath(Path.Combine(git, File.ReadAllText(Path.Combine(git, "commondir")).Trim())) : git;
            foreach (var folder in new[] { git, common })
            {
                var loose = Path.Combine(folder, reference.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(loose))
                {
                    return File.ReadAllText(loose).Trim();
                }
            }

            var packed = Path.Combine(common, "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed).Select(l => l.Split(' ')).FirstOrDefault(p => p.Length == 2 && p[1] == reference)?[0]
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
