using System.Text;
using System.Text.RegularExpressions;
using Aegis.Reliability.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace Aegis.Reliability.Tests;

/// <summary>
/// Broken and half-typed code, as an editor shows it while someone types: deterministic mutations (from a fixed
/// seed) of the sample's sources and the analyzer tests' snippets, each analyzed by every Aegis analyzer with every
/// offered fix applied. Nothing may throw.
/// </summary>
[Trait("Category", "Reliability")]
public sealed partial class MutationFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private const int MutantsWanted = 320;

    [Fact]
    public async Task Mutants_NoAnalyzerOrFixerException()
    {
        var seeds = SeedSnippets();
        Assert.True(seeds.Count > 50, "only " + seeds.Count + " seed snippets found");
        var mutants = Mutate(seeds).Take(MutantsWanted).ToList();

        // Bounded time: the loaded CI machine gets a generous budget; all mutants normally run well within it.
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var outcome = new HarnessOutcome();
        var run = 0;
        foreach (var (name, text, coreOnly) in mutants)
        {
            if (budget.IsCancellationRequested)
            {
                break;
            }

            var failuresBefore = outcome.Failures.Count;
            try
            {
                await AnalyzerHarness.RunAsync(new[] { ("/fuzz/" + name + ".cs", text) }, coreOnly ? AnalyzerHarness.CoreOnly : AnalyzerHarness.References, applyFixes: true, budget.Token, outcome: outcome);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested)
            {
                break;
            }

            if (outcome.Failures.Count > failuresBefore)
            {
                output.WriteLine("FAILED mutant " + name + ":\n" + text);
            }

            run++;
        }

        output.WriteLine($"mutants {run} of {mutants.Count}, Aegis diagnostics {outcome.Diagnostics}, fixes applied {outcome.FixesApplied}, FixAlls {outcome.FixAllsApplied}");
        Assert.True(run >= 100, "only " + run + " mutants ran within the budget");
        Assert.True(outcome.Diagnostics > 0, "the mutants kept no finding at all: the fuzzer is not exercising the rules");
        Assert.Empty(outcome.Failures);
    }

    /// <summary>The sample's sources and every raw-string snippet of the analyzer tests (markup removed), in ordinal order.</summary>
    private static List<(string Name, string Text)> SeedSnippets()
    {
        var seeds = new List<(string, string)>();
        foreach (var file in Repo.SourcesUnder("samples/Aegis.Sample"))
        {
            seeds.Add(("sample-" + Path.GetFileNameWithoutExtension(file), File.ReadAllText(file)));
        }

        foreach (var file in Repo.SourcesUnder("tests/Aegis.Analyzers.Tests"))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            var index = 0;
            foreach (var token in root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)))
            {
                var text = Markup().Replace(token.ValueText, "");
                if (text.Contains("class ", StringComparison.Ordinal) || text.Contains("app.Map", StringComparison.Ordinal))
                {
                    seeds.Add((Path.GetFileNameWithoutExtension(file) + "-" + index++, text));
                }
            }
        }

        return seeds;
    }

    [GeneratedRegex(@"\[\||\|\]|\{\|[A-Z]+[0-9]+:|\|\}")]
    private static partial Regex Markup();

    /// <summary>Round-robin over the seeds and the mutation kinds, each draw from one seeded generator.</summary>
    private static IEnumerable<(string Name, string Text, bool CoreOnly)> Mutate(List<(string Name, string Text)> seeds)
    {
        var random = new Random(Seed);
        var kinds = new Func<string, Random, string>[] { Truncate, DeleteToken, Unbalance, DropUsing, StrayInterpolation, CutString, Truncate, DeleteToken };
        for (var i = 0; ; i++)
        {
            var (name, text) = seeds[random.Next(seeds.Count)];
            var kind = i % (kinds.Length + 1);
            if (kind == kinds.Length)
            {
                // Removed references: the code as written, compiled with only the core library.
                yield return ($"{i:D4}-noref-{name}", DeleteToken(text, random), true);
            }
            else
            {
                var mutated = kinds[kind](text, random);
                yield return ($"{i:D4}-{kinds[kind].Method.Name}-{name}", random.Next(3) == 0 ? kinds[random.Next(kinds.Length)](mutated, random) : mutated, false);
            }
        }
    }

    private static string Truncate(string text, Random random)
        => text.Length < 2 ? text : text[..random.Next(1, text.Length)];

    private static string DeleteToken(string text, Random random)
    {
        var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToArray();
        if (tokens.Length == 0)
        {
            return text;
        }

        var token = tokens[random.Next(tokens.Length)];
        return text.Remove(token.SpanStart, token.Span.Length);
    }

    private static string Unbalance(string text, Random random)
    {
        var positions = Enumerable.Range(0, text.Length).Where(i => text[i] is '{' or '}' or '(' or ')' or '[' or ']').ToArray();
        if (positions.Length == 0)
        {
            return text + "{";
        }

        var at = positions[random.Next(positions.Length)];
        return random.Next(2) == 0 ? text.Remove(at, 1) : text.Insert(at, text[at].ToString());
    }

    private static string DropUsing(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var usings = Enumerable.Range(0, lines.Count).Where(i => lines[i].TrimStart().StartsWith("using ", StringComparison.Ordinal)).ToArray();
        if (usings.Length == 0)
        {
            return Truncate(text, random);
        }

        lines.RemoveAt(usings[random.Next(usings.Length)]);
        return string.Join('\n', lines);
    }

    private static string StrayInterpolation(string text, Random random)
        => text.Insert(random.Next(text.Length + 1), random.Next(2) == 0 ? "$\"{" : "$\"\"\"{{");

    private static string CutString(string text, Random random)
    {
        var literals = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.StringLiteralToken) || t.IsKind(SyntaxKind.InterpolatedStringTextToken) || t.IsKind(SyntaxKind.InterpolatedStringStartToken))
            .ToArray();
        if (literals.Length == 0)
        {
            return StrayInterpolation(text, random);
        }

        var literal = literals[random.Next(literals.Length)];
        var cut = literal.SpanStart + random.Next(1, Math.Max(2, literal.Span.Length));
        var builder = new StringBuilder(text);
        builder.Remove(cut, Math.Min(text.Length - cut, random.Next(1, 40)));
        return builder.ToString();
    }
}
