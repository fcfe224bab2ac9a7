using System.Text.Json;
using Aegis.Engine.Policy;
using Aegis.Engine.Releases;
using Aegis.Engine.Tests.Infrastructure;

namespace Aegis.Engine.Tests.Releases;

/// <summary>A temp repository (with a <c>.git</c> folder) holding a Risk Card, for the release tests.</summary>
internal sealed class ReleaseRepository : IDisposable
{
    private readonly TempDirectory directory = new();

    public ReleaseRepository(string recommendation = "approved_for_rollout")
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Root, ".git"));
        Card = WriteCard("cards/risk-card.json", recommendation);
    }

    public string Root => directory.Path;

    public string Card { get; }

    public string WriteCard(string relative, string recommendation)
        => directory.Write(relative, $$"""
            {
              "schema": "aegis.riskcard/v1",
              "status": "blocked",
              "risk_score": 66,
              "risk_level": "HIGH",
              "recommendation": "{{recommendation}}",
              "request_id": "req_0123456789abcdef0123456789abcdef",
              "incidents": []
            }
            """);

    public string Write(string relative, string content) => directory.Write(relative, content);

    public string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    public ReleaseStore Store() => new(Root, AegisPolicy.Load(Root));

    public string ReleaseFile(string id, string relative) => PathOf($".aegis/releases/{id}/{relative}");

    /// <summary>Every file under <c>.aegis/</c> with its bytes, to show that nothing was written.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        var state = PathOf(".aegis");
        return !Directory.Exists(state)
            ? new Dictionary<string, string>()
            : Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToDictionary(f => System.IO.Path.GetRelativePath(Root, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));
    }

    /// <summary>The Microsoft.Percentage value of the exported feature_management flag, or null when it is disabled.</summary>
    public int? FeatureManagementWeight(string id)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReleaseFile(id, "feature-management.json")));
        var flag = document.RootElement.GetProperty("feature_management").GetProperty("feature_flags")[0];
        return flag.GetProperty("enabled").GetBoolean()
            ? flag.GetProperty("conditions").GetProperty("client_filters")[0].GetProperty("parameters").GetProperty("Value").GetInt32()
            : null;
    }

    public void Dispose() => directory.Dispose();
}
