using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Aegis.Analyzers.Baseline;
using Aegis.Analyzers.Secrets;
using Aegis.Analyzers.Sql;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Tests.Baseline;

/// <summary>
/// The baseline suppressor as the compiler and the editor run it: the rules and the suppressor in one
/// <see cref="CompilationWithAnalyzers"/>, suppressed diagnostics reported (IsSuppressed). The baselines are written by
/// hand in the snapshot format, their fingerprints computed here from the documented formula (not by the code under test).
/// </summary>
[Trait("Rule", "AEGS001")]
public sealed class BaselineSuppressorTests
{
    private const string SqlFile = "/repo/src/Shop/Orders.cs";
    private const string SecretFile = "/repo/src/Shop/Settings.cs";

    private const string Sql = """
        using System.Data.Common;
        namespace Shop;
        public class Orders
        {
            public void Find(DbCommand command, string name) { command.CommandText = "SELECT * FROM Orders WHERE Name = '" + name + "'"; }
            public void Remove(DbCommand command, string id) { command.CommandText = $"DELETE FROM Orders WHERE Id = '{id}'"; }
        }
        """;

    private static string SecretSource(string secret) => "namespace Shop;\npublic class Settings\n{\n    public string Password = \"" + secret + "\";\n}\n";

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BaselinedSqlFinding_IsSuppressed_TheNewOneIsNot()
    {
        var baseline = Baseline(Entry("AEG001", "src/Shop/Orders.cs", "\"SELECT * FROM Orders WHERE Name = '\" + name + \"'\""));

        var diagnostics = await RunAsync(SqlFile, Sql, baseline);

        Assert.Equal(2, diagnostics.Length);
        Assert.True(Single(diagnostics, "SELECT").IsSuppressed);
        Assert.False(Single(diagnostics, "DELETE").IsSuppressed);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_WithoutBaseline_NothingIsSuppressed()
    {
        var diagnostics = await RunAsync(SqlFile, Sql, baseline: null);

        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.False(d.IsSuppressed));
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_SameCodeInAnotherFile_IsNotSuppressed()
    {
        // The fingerprint holds the file: the same evidence elsewhere is a new finding.
        var baseline = Baseline(Entry("AEG001", "src/Shop/Orders.cs", "\"SELECT * FROM Orders WHERE Name = '\" + name + \"'\""));

        var diagnostics = await RunAsync("/repo/src/Shop/Archive.cs", Sql, baseline);

        Assert.All(diagnostics, d => Assert.False(d.IsSuppressed));
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BaselinedSecret_SameValue_IsSuppressed()
    {
        var diagnostics = await RunAsync(SecretFile, SecretSource("Sup3rS3cretValue!"), Baseline(SecretEntry("Sup3rS3cretValue!")));

        Assert.True(Assert.Single(diagnostics).IsSuppressed);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_DifferentSecretInTheSameField_IsNotSuppressed()
    {
        // Same length and first four characters: the masked evidence and so the fingerprint are the same; the hash is not.
        var diagnostics = await RunAsync(SecretFile, SecretSource("Sup3rOtherValue!!"), Baseline(SecretEntry("Sup3rS3cretValue!")));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("AEG002", diagnostic.Id);
        Assert.False(diagnostic.IsSuppressed);
    }

    [Theory]
    [Trait("Category", "Detect")]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("{\"schema\": \"aegis.snapshot/v1\"}")]
    [InlineData("{\"schema\": \"aegis.riskcard/v1\", \"incidents\": []}")]
    [InlineData("{\"schema\": \"aegis.snapshot/v1\", \"incidents\": [{\"fingerprint\": 3}, \"x\", null]}")]
    public async Task Detect_CorruptBaseline_SuppressesNothing_AndNeverThrows(string text)
    {
        var diagnostics = await RunAsync(SqlFile, Sql, text);

        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.False(d.IsSuppressed));
    }

    [Fact]
    [Trait("Category", "Safe")]
    public async Task Safe_BaselineFoundByItsMetadata_WhateverItsName()
    {
        // AegisBaseline=ci/accepted.json: the package marks the item AegisKind=baseline.
        var baseline = Baseline(Entry("AEG001", "src/Shop/Orders.cs", "\"SELECT * FROM Orders WHERE Name = '\" + name + \"'\""));

        var diagnostics = await RunAsync(SqlFile, Sql, baseline, baselinePath: "/repo/ci/accepted.json", kindMetadata: true);

        Assert.True(Single(diagnostics, "SELECT").IsSuppressed);
    }

    [Fact]
    [Trait("Category", "Detect")]
    public async Task Detect_OtherJsonFileWithoutMetadata_IsNotABaseline()
    {
        var baseline = Baseline(Entry("AEG001", "src/Shop/Orders.cs", "\"SELECT * FROM Orders WHERE Name = '\" + name + \"'\""));

        var diagnostics = await RunAsync(SqlFile, Sql, baseline, baselinePath: "/repo/ci/accepted.json", kindMetadata: false);

        Assert.All(diagnostics, d => Assert.False(d.IsSuppressed));
    }

    [Fact]
    public void Descriptors_OnePerRule_InTheCatalog()
    {
        var suppressions = new BaselineSuppressor().SupportedSuppressions;

        Assert.Equal(new[] { ("AEGS001", "AEG001"), ("AEGS002", "AEG002"), ("AEGS003", "AEG003") }, suppressions.Select(s => (s.Id, s.SuppressedDiagnosticId)));
        Assert.Equal(DiagnosticRules.BaselineSuppressions, suppressions);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "docs", "rules", "AEGS001.md")));
    }

    // ---- helpers ----

    private static Diagnostic Single(ImmutableArray<Diagnostic> diagnostics, string evidence)
        => Assert.Single(diagnostics, d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan).Contains(evidence, StringComparison.Ordinal));

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>A baseline incident: fingerprint = sha256(rule \n file \n whitespace-normalised masked evidence).</summary>
    private static string Entry(string rule, string file, string maskedEvidence, string? secretHash = null)
        => "{\"fingerprint\": \"" + Sha256(rule + "\n" + file + "\n" + Regex.Replace(maskedEvidence, @"\s+", " ").Trim()) + "\", \"rule\": \"" + rule
            + "\", \"file\": \"" + file + "\", \"line\": 1, \"symbol\": \"Shop\", \"evidence\": \"masked\""
            + (secretHash is null ? "" : ", \"secret_hash\": \"" + secretHash + "\"") + "}";

    /// <summary>AEG002's masked evidence and secret hash (first 16 hex of sha256("aegis/secret\nAEG002\n" + literal)).</summary>
    private static string SecretEntry(string secret)
        => Entry("AEG002", "src/Shop/Settings.cs", "\"[secret literal len=" + secret.Length + " prefix=" + secret[..4] + "…]\"", Sha256("aegis/secret\nAEG002\n" + secret)[..16]);

    private static string Baseline(params string[] incidents)
        => "{\"schema\": \"aegis.snapshot/v1\", \"id\": \"20261202T071500Z-3f9a1c\", \"files\": {}, \"incidents\": [" + string.Join(", ", incidents) + "]}";

    private static async Task<ImmutableArray<Diagnostic>> RunAsync(string path, string source, string? baseline, string baselinePath = "/repo/.aegis/baseline.json", bool kindMetadata = false)
    {
        var analysis = Analysis(path, source, baseline, baselinePath, kindMetadata);
        var diagnostics = await analysis.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id.StartsWith("AEG", StringComparison.Ordinal)).ToImmutableArray();
    }

    private static CompilationWithAnalyzers Analysis(string path, string source, string? baseline, string baselinePath, bool kindMetadata)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path);
        var compilation = CSharpCompilation.Create("Shop", new[] { tree }, SnippetReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var files = baseline is null ? ImmutableArray<AdditionalText>.Empty : ImmutableArray.Create<AdditionalText>(new InMemoryAdditionalText(baselinePath, baseline));
        var options = new AnalyzerOptions(files, new MetadataOptionsProvider(kindMetadata ? baselinePath : null));
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NonConstantSqlAnalyzer(), new HardcodedSecretAnalyzer(), new BaselineSuppressor());
        return compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true));
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }

    /// <summary>What the compiler's generated .editorconfig says for an AdditionalFiles item with AegisKind metadata.</summary>
    private sealed class MetadataOptionsProvider(string? baselinePath) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
            => textFile.Path == baselinePath ? new Options(BaselineFiles.KindMetadataKey, BaselineFiles.KindMetadataValue) : Options.Empty;

        private sealed class Options(string? key = null, string? value = null) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new();

            public override bool TryGetValue(string name, [NotNullWhen(true)] out string? result)
            {
                result = name == key ? value : null;
                return result is not null;
            }
        }
    }
}
