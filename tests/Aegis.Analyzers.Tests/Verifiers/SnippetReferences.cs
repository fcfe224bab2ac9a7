using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Tests.Verifiers;

/// <summary>
/// The reference assemblies test snippets compile against: the ones this test project itself compiles against
/// (framework reference packs, Dapper, Npgsql, Microsoft.Data.Sqlite, EF Core), listed by the build in
/// snippet-references.txt. Nothing is downloaded.
/// </summary>
public static class SnippetReferences
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> Lazy = new(Load);

    public static IReadOnlyList<MetadataReference> All => Lazy.Value;

    private static IReadOnlyList<MetadataReference> Load()
    {
        var list = Path.Combine(AppContext.BaseDirectory, "snippet-references.txt");
        if (!File.Exists(list))
        {
            throw new InvalidOperationException($"{list} is missing: build the test project with dotnet build, which writes it.");
        }

        return File.ReadAllLines(list)
            .Where(line => line.Length > 0)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    }
}
