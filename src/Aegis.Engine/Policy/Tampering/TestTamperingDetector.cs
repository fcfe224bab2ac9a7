using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Engine.Policy;

/// <summary>
/// In C# test code: <c>test_deleted</c> — a test method the change removes, or a deleted file of a test project or
/// with tests; <c>test_skipped</c> — a skip it adds (<c>[Fact(Skip = …)]</c>, <c>[Ignore]</c>, <c>Assert.Skip(…)</c>…);
/// <c>assertion_weakened</c> — an assertion of a constant it adds (<c>Assert.True(true)</c>, <c>Assert.Equal(x, x)</c>,
/// <c>Assert.Pass()</c>). Methods are matched by type and name, so moving one is no deletion.
/// </summary>
public sealed class TestTamperingDetector : ITamperingDetector
{
    /// <summary>Attributes that skip a test whatever their arguments (NUnit, MSTest).</summary>
    private static readonly HashSet<string> SkipAttributes = new(StringComparer.Ordinal) { "Ignore", "Explicit" };

    /// <summary>The named argument of a test attribute that skips it (xUnit).</summary>
    private const string SkipArgument = "Skip";

    /// <summary>Calls that skip a test at run time: xUnit v3, MSTest, NUnit.</summary>
    private static readonly HashSet<string> SkipCalls = new(StringComparer.Ordinal) { "Assert.Skip", "Assert.Inconclusive", "Assert.Ignore", "Skip.If", "Skip.IfNot" };

    private enum ConstantShape
    {
        /// <summary>Holds when its one argument is the literal (<c>Assert.True(true)</c>).</summary>
        LiteralTrue,
        LiteralFalse,

        /// <summary>Holds when its first two arguments are the same expression (<c>Assert.Equal(x, x)</c>).</summary>
        SameArguments,

        /// <summary>Passes unconditionally (<c>Assert.Pass()</c>).</summary>
        Always,
    }

    /// <summary>Assertion methods and the argument shape that makes them assert nothing.</summary>
    private static readonly Dictionary<string, ConstantShape> ConstantAssertions = new(StringComparer.Ordinal)
    {
        ["True"] = ConstantShape.LiteralTrue, ["IsTrue"] = ConstantShape.LiteralTrue, ["That"] = ConstantShape.LiteralTrue,
        ["False"] = ConstantShape.LiteralFalse, ["IsFalse"] = ConstantShape.LiteralFalse,
        ["Equal"] = ConstantShape.SameArguments, ["AreEqual"] = ConstantShape.SameArguments, ["StrictEqual"] = ConstantShape.SameArguments,
        ["Same"] = ConstantShape.SameArguments, ["AreSame"] = ConstantShape.SameArguments, ["Equivalent"] = ConstantShape.SameArguments,
        ["Pass"] = ConstantShape.Always,
    };

    private static readonly HashSet<string> AssertTypes = new(StringComparer.Ordinal) { "Assert", "ClassicAssert" };

    public IEnumerable<TamperingFinding> Detect(ChangedFile change)
    {
        if (change.Extension != ".cs")
        {
            return Enumerable.Empty<TamperingFinding>();
        }

        var before = Read(change.Before);
        var after = Read(change.After);
        var findings = new List<TamperingFinding>();
        if (change.After is null && change.Before is not null && (before.Tests.Count > 0 || TestCode.IsInTestProject(change.Path)))
        {
            findings.Add(new TamperingFinding(TamperingKinds.TestDeleted, change.Path, null, "file deleted with " + before.Tests.Count.ToString(CultureInfo.InvariantCulture) + " test method(s)" + (before.Tests.Count == 0 ? " (a test project's file)" : ": " + string.Join(", ", before.Tests.Select(t => t.Key).Take(5)))));
            return findings;
        }

        findings.AddRange(Occurrences.Removed(before.Tests, after.Tests).Select(o => new TamperingFinding(TamperingKinds.TestDeleted, change.Path, null, "test method " + o.Key + " removed")));
        findings.AddRange(Occurrences.Added(before.Skips, after.Skips).Select(o => new TamperingFinding(TamperingKinds.TestSkipped, change.Path, o.Line, o.Text)));
        findings.AddRange(Occurrences.Added(before.ConstantAssertions, after.ConstantAssertions).Select(o => new TamperingFinding(TamperingKinds.AssertionWeakened, change.Path, o.Line, o.Text)));
        return findings;
    }

    private sealed record TestShape(List<Occurrence> Tests, List<Occurrence> Skips, List<Occurrence> ConstantAssertions);

    private static TestShape Read(string? text)
    {
        var shape = new TestShape(new(), new(), new());
        if (string.IsNullOrEmpty(text))
        {
            return shape;
        }

        var root = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            var attributes = method.AttributeLists.SelectMany(l => l.Attributes).ToList();
            var name = (method.Parent as BaseTypeDeclarationSyntax)?.Identifier.ValueText + "." + method.Identifier.ValueText;
            var isTest = attributes.Any(a => TestCode.TestAttributes.Contains(ShortName(a.Name)));
            if (isTest)
            {
                shape.Tests.Add(new Occurrence(name, Line(method), method.Identifier.ValueText));
            }

            foreach (var attribute in attributes)
            {
                var attributeName = ShortName(attribute.Name);
                var skips = SkipAttributes.Contains(attributeName)
                    || (TestCode.TestAttributes.Contains(attributeName) && attribute.ArgumentList?.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == SkipArgument) == true);
                if (skips)
                {
                    shape.Skips.Add(new Occurrence(name + "|" + attributeName, Line(attribute), "[" + Occurrences.Evidence(attribute.ToString()) + "] on " + name));
                }
            }

            if (!isTest)
            {
                continue;
            }

            foreach (var invocation in method.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } access)
                {
                    continue;
                }

                var call = receiver.Identifier.ValueText + "." + access.Name.Identifier.ValueText;
                if (SkipCalls.Contains(call))
                {
                    shape.Skips.Add(new Occurrence(name + "|" + call, Line(invocation), Occurrences.Evidence(invocation.ToString()) + " in " + name));
                }
                else if (AssertTypes.Contains(receiver.Identifier.ValueText) && ConstantAssertions.TryGetValue(access.Name.Identifier.ValueText, out var constant) && IsConstant(constant, invocation.ArgumentList.Arguments))
                {
                    shape.ConstantAssertions.Add(new Occurrence(name + "|" + Occurrences.Evidence(invocation.ToString()), Line(invocation), Occurrences.Evidence(invocation.ToString()) + " in " + name));
                }
            }
        }

        return shape;
    }

    private static bool IsConstant(ConstantShape shape, SeparatedSyntaxList<ArgumentSyntax> arguments) => shape switch
    {
        ConstantShape.LiteralTrue => arguments.Count >= 1 && arguments[0].Expression.IsKind(SyntaxKind.TrueLiteralExpression),
        ConstantShape.LiteralFalse => arguments.Count >= 1 && arguments[0].Expression.IsKind(SyntaxKind.FalseLiteralExpression),
        ConstantShape.SameArguments => arguments.Count >= 2 && SyntaxFactory.AreEquivalent(arguments[0].Expression, arguments[1].Expression),
        ConstantShape.Always => true,
        _ => false,
    };

    private static string ShortName(NameSyntax name)
    {
        var text = name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => name.ToString(),
        };
        return text.EndsWith("Attribute", StringComparison.Ordinal) ? text[..^"Attribute".Length] : text;
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
}
