using Aegis.Analyzers.Infrastructure;

namespace Aegis.Analyzers.Baseline;

/// <summary>
/// The incidents of a baseline (<c>aegis.snapshot/v1</c>, docs/snapshot.schema.json), keyed by their
/// repository-relative file: what <see cref="BaselineSuppressor"/> looks a diagnostic up in.
/// </summary>
internal sealed class BaselineIndex
{
    public const string SchemaName = "aegis.snapshot/v1";

    public static readonly BaselineIndex Empty = new("", new Dictionary<string, List<BaselineEntry>>(StringComparer.Ordinal));

    private readonly Dictionary<string, List<BaselineEntry>> byFile;

    private BaselineIndex(string id, Dictionary<string, List<BaselineEntry>> byFile)
    {
        Id = id;
        this.byFile = byFile;
    }

    public string Id { get; }

    public bool IsEmpty => byFile.Count == 0;

    /// <summary>The entries of one repository-relative file (<c>/</c> separators), or null.</summary>
    public List<BaselineEntry>? For(string relativeFile) => byFile.TryGetValue(relativeFile, out var entries) ? entries : null;

    /// <summary>
    /// The baseline in <paramref name="text"/>; <see cref="Empty"/> when it does not parse or is not a snapshot
    /// (the engine reports that file as corrupt, AEGB005; an editor must not fail over it).
    /// </summary>
    public static BaselineIndex Parse(string text)
    {
        try
        {
            if (MiniJson.Parse(text) is not Dictionary<string, object?> root
                || !(root.TryGetValue("schema", out var schema) && schema as string == SchemaName)
                || !(root.TryGetValue("incidents", out var list) && list is List<object?> incidents))
            {
                return Empty;
            }

            var byFile = new Dictionary<string, List<BaselineEntry>>(StringComparer.Ordinal);
            foreach (var item in incidents.OfType<Dictionary<string, object?>>())
            {
                var fingerprint = Text(item, "fingerprint");
                var file = Text(item, "file");
                var rule = Text(item, "rule");
                if (fingerprint is null || file is null || rule is null)
                {
                    continue;
                }

                if (!byFile.TryGetValue(file, out var entries))
                {
                    byFile[file] = entries = new List<BaselineEntry>();
                }

                entries.Add(new BaselineEntry(rule, fingerprint, Text(item, "secret_hash")));
            }

            return new BaselineIndex(Text(root, "id") ?? "", byFile);
        }
        catch (FormatException)
        {
            return Empty;
        }
    }

    private static string? Text(Dictionary<string, object?> json, string name)
        => json.TryGetValue(name, out var value) ? value as string : null;
}

/// <summary>One baselined incident: its rule, fingerprint and (AEG002) the hash of its secret.</summary>
internal sealed class BaselineEntry
{
    public BaselineEntry(string rule, string fingerprint, string? secretHash)
    {
        Rule = rule;
        Fingerprint = fingerprint;
        SecretHash = secretHash;
    }

    public string Rule { get; }

    public string Fingerprint { get; }

    public string? SecretHash { get; }
}
