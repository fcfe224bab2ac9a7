using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Snapshots;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>A small repository whose findings are real (collected by the engine), to compare two states of it.</summary>
internal static class SnapshotFixtures
{
    public const string RepositoryFile = "src/Shop/Data/Repository.cs";

    /// <summary>Two secrets (a field and a local) and an open controller: findings in a field, a method and a type.</summary>
    public const string Repository = """
        namespace Shop.Data;

        public class Repository
        {
            private readonly string apiToken = "supersecret-value-1";

            public string Connect(string host)
            {
                var password = "hunter2-password!";
                return host + password;
            }

            public string Describe() => "repository";
        }
        """;

    public static async Task<(IReadOnlyList<SnapshotIncident> Incidents, IReadOnlyDictionary<string, string> Files)> StateAsync(IReadOnlyDictionary<string, string> files)
    {
        using var directory = new TempDirectory();
        var inputs = TestProjects.WriteProject(directory, "src/Shop/Shop.csproj", files);
        var incidents = await IncidentCollector.CollectAsync(LoadedProject.Load(inputs), TestProjects.Catalog, directory.Path, CancellationToken.None);
        var unique = incidents.GroupBy(i => (i.Fingerprint, i.SecretHash)).Select(g => SnapshotIncident.From(g.First())).ToList();
        return (unique, RepositoryFiles.Hash(directory.Path));
    }

    public static Task<(IReadOnlyList<SnapshotIncident> Incidents, IReadOnlyDictionary<string, string> Files)> StateAsync(string path, string source)
        => StateAsync(new Dictionary<string, string> { [path] = source, ["src/Shop/Controllers/OrdersController.cs"] = ShopSources.OpenController });

    public static SnapshotIncident Incident(string severity, string file = "src/A.cs", string evidence = "x", string? secretHash = null, string rule = "AEG001", string symbol = "A.B()")
        => new()
        {
            Fingerprint = Aegis.Analyzers.Infrastructure.IncidentIdentity.Fingerprint(rule, file, evidence),
            Rule = rule,
            Family = "SQL",
            Severity = severity,
            Confidence = 0.9,
            File = file,
            Line = 1,
            Symbol = symbol,
            Evidence = evidence,
            SecretHash = secretHash,
            RemediationStrategy = "parameterize",
        };
}
