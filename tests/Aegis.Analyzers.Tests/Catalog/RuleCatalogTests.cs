using System.Reflection;
using System.Text.RegularExpressions;
using Aegis.Analyzers.Options;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Tests.Catalog;

/// <summary>The catalog, the docs, the release file and the analyzers must agree with each other.</summary>
public sealed class RuleCatalogTests
{
    private static readonly IReadOnlyList<DiagnosticAnalyzer> Analyzers = typeof(DiagnosticRules).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToArray();

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in DiagnosticRules.All)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void RuleIds_AreUniqueAndSequential()
    {
        var ids = DiagnosticRules.All.Select(d => d.Id).ToArray();
        Assert.Equal(ids.Distinct().Count(), ids.Length);
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(i => $"AEG{i:000}"), ids);
    }

    [Fact]
    public void RuleIdentifierConstants_AreTheDescriptorIds()
    {
        var constants = typeof(RuleIdentifiers).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (string)field.GetRawConstantValue()!)
            .OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(DiagnosticRules.All.Select(d => d.Id), constants);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Descriptor_HasHelpLinkToAnExistingDocPage(string id)
    {
        var descriptor = DiagnosticRules.All.Single(d => d.Id == id);
        Assert.Equal(DiagnosticRules.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = RepositoryPaths.Combine("docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);
        foreach (var heading in new[] { "## Cause", "## Why it matters", "## Non-compliant", "## Compliant", "## How the fix works", "## Options", "## How to suppress", "## References" })
        {
            Assert.True(text.Contains(heading, StringComparison.Ordinal), $"{id}.md lacks the heading '{heading}'");
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Descriptor_IsWellFormed(string id)
    {
        var descriptor = DiagnosticRules.All.Single(d => d.Id == id);
        var title = descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(title.EndsWith(".", StringComparison.Ordinal), "Titles carry no trailing period");
        Assert.StartsWith("Aegis.Security.", descriptor.Category, StringComparison.Ordinal);
        Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, descriptor.CustomTags);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_IsTrackedInTheReleaseFile(string id)
    {
        var descriptor = DiagnosticRules.All.Single(d => d.Id == id);
        var lines = File.ReadAllLines(RepositoryPaths.Combine("src", "Aegis.Analyzers", "AnalyzerReleases.Unshipped.md"))
            .Concat(File.ReadAllLines(RepositoryPaths.Combine("src", "Aegis.Analyzers", "AnalyzerReleases.Shipped.md")));
        var row = lines.SingleOrDefault(line => line.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.NotNull(row);
        var cells = row!.Split('|').Select(cell => cell.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
        Assert.Contains($"[Documentation](docs/rules/{id}.md)", cells[3], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_IsInTheReadmeTable(string id)
    {
        var descriptor = DiagnosticRules.All.Single(d => d.Id == id);
        var readme = File.ReadAllLines(RepositoryPaths.Combine("README.md"));
        var row = readme.SingleOrDefault(line => line.StartsWith($"| [{id}](docs/rules/{id}.md) |", StringComparison.Ordinal));
        Assert.True(row is not null, $"README.md has no rules-table row for {id}");
        Assert.Contains(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_IsReportedByExactlyOneAnalyzer(string id)
    {
        Assert.Single(Analyzers, analyzer => analyzer.SupportedDiagnostics.Any(d => d.Id == id));
    }

    [Fact]
    public void Analyzers_AreSealedAndUseCatalogDescriptors()
    {
        Assert.NotEmpty(Analyzers);
        foreach (var analyzer in Analyzers)
        {
            Assert.True(analyzer.GetType().IsSealed, analyzer.GetType().Name + " must be sealed");
            Assert.NotNull(analyzer.GetType().GetCustomAttribute<DiagnosticAnalyzerAttribute>());
            foreach (var descriptor in analyzer.SupportedDiagnostics)
            {
                Assert.True(DiagnosticRules.All.Contains(descriptor) || DiagnosticRules.Variants.Contains(descriptor), descriptor.Id + " '" + descriptor.Title + "' is not in the catalog");
            }
        }
    }

    [Fact]
    public void Variants_AgreeWithTheirRule()
    {
        foreach (var variant in DiagnosticRules.Variants)
        {
            var rule = DiagnosticRules.All.Single(d => d.Id == variant.Id);
            Assert.Equal(rule.Category, variant.Category);
            Assert.Equal(rule.DefaultSeverity, variant.DefaultSeverity);
            Assert.Equal(rule.HelpLinkUri, variant.HelpLinkUri);
            Assert.NotEqual(rule.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), variant.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void OptionNames_AreSnakeCase()
    {
        foreach (var option in AegisOptions.All)
        {
            Assert.Matches(new Regex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$"), option.Name);
        }
    }

    [Fact]
    public void EveryOption_IsDocumentedWithItsDefault()
    {
        var configuration = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        foreach (var option in AegisOptions.All)
        {
            Assert.True(configuration.Contains($"aegis.{option.RuleId}.{option.Name}", StringComparison.Ordinal), $"docs/configuration.md lacks aegis.{option.RuleId}.{option.Name}");
            var page = File.ReadAllText(RepositoryPaths.Combine("docs", "rules", option.RuleId + ".md"));
            Assert.True(page.Contains($"aegis.{option.RuleId}.{option.Name}", StringComparison.Ordinal), $"docs/rules/{option.RuleId}.md lacks its option {option.Name}");
        }
    }
}
