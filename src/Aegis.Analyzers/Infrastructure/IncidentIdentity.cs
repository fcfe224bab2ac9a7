using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// What makes an incident the same incident across builds, in one place for the engine (cards, snapshots, drift) and
/// for analyzer-side code (the baseline suppressor): its masked evidence, its fingerprint, its enclosing symbol and, for
/// secrets, a hash of the secret values (evidence is masked, so two different secrets can look alike). Never throws.
/// </summary>
public static class IncidentIdentity
{
    public const int MaxEvidenceLength = 200;

    /// <summary>The symbol of findings outside any type (top-level statements).</summary>
    public const string TopLevelSymbol = "<top-level>";

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    /// <summary>The flagged code on one line, whitespace-normalised, at most 200 characters (not yet masked).</summary>
    public static string Evidence(Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var tree = diagnostic.Location.SourceTree;
        if (tree is null)
        {
            return "";
        }

        try
        {
            var text = Normalize(tree.GetText(cancellationToken).ToString(diagnostic.Location.SourceSpan));
            return text.Length <= MaxEvidenceLength ? text : text.Substring(0, MaxEvidenceLength - 3) + "...";
        }
        catch (ArgumentOutOfRangeException)
        {
            return "";
        }
    }

    /// <summary>The evidence with the finding's secrets masked: what cards, snapshots and fingerprints carry.</summary>
    public static string MaskedEvidence(Diagnostic diagnostic, IEnumerable<string> secretLiterals, CancellationToken cancellationToken)
        => new SecretMasking(secretLiterals).Mask(Evidence(diagnostic, cancellationToken));

    /// <summary>The string literals inside (or around) a secret finding: those are what must never be printed.</summary>
    public static string[] SecretLiterals(Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var tree = diagnostic.Location.SourceTree;
        if (tree is null)
        {
            return Array.Empty<string>();
        }

        var root = tree.GetRoot(cancellationToken);
        var span = diagnostic.Location.SourceSpan;
        if (span.End > root.FullSpan.End)
        {
            return Array.Empty<string>();
        }

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var scope = node.AncestorsAndSelf().FirstOrDefault(n => n is StatementSyntax or MemberDeclarationSyntax or ArgumentSyntax or VariableDeclaratorSyntax) ?? node;
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var token in scope.DescendantTokens().Concat(node.DescendantTokens()))
        {
            if (IsStringToken(token) && token.ValueText.Length >= 4)
            {
                values.Add(token.ValueText);
            }
        }

        return values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// sha256 (lower-case hex) of rule, repository-relative file and whitespace-normalised masked evidence: not of the
    /// line, so it survives edits above the finding. The formula of every card written so far; do not change it.
    /// </summary>
    public static string Fingerprint(string rule, string repositoryRelativeFile, string maskedEvidence)
        => Sha256Hex(rule + "\n" + repositoryRelativeFile + "\n" + Normalize(maskedEvidence));

    /// <summary>
    /// For AEG002 only: the first 16 hex characters of sha256 over the secret values, so that a different secret in the
    /// same field is a different incident although both evidences mask alike. Null for other rules or without values.
    /// </summary>
    public static string? SecretHash(string rule, IEnumerable<string> literals)
    {
        if (rule != RuleIdentifiers.HardcodedSecret)
        {
            return null;
        }

        return Sha256Hex("aegis/secret\n" + rule + "\n" + string.Join("\n", literals)).Substring(0, 16);
    }

    /// <summary>See <see cref="EnclosingSymbol(Location, CancellationToken)"/>; the semantic model is not needed.</summary>
    public static string EnclosingSymbol(SemanticModel semanticModel, Location location, CancellationToken cancellationToken)
        => EnclosingSymbol(location, cancellationToken);

    /// <summary>
    /// A stable display string of the member around a location, read from syntax (no binding, so it costs a few µs):
    /// <c>Shop.Orders.OrderRepository.Find(string)</c>, <c>Shop.Settings.ApiKey</c>, the type's name for a type-level
    /// finding, <see cref="TopLevelSymbol"/> for top-level statements, "" when there is no source.
    /// </summary>
    public static string EnclosingSymbol(Location location, CancellationToken cancellationToken)
    {
        var tree = location.SourceTree;
        if (tree is null)
        {
            return "";
        }

        var root = tree.GetRoot(cancellationToken);
        var span = location.SourceSpan;
        if (span.End > root.FullSpan.End)
        {
            return "";
        }

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var member = node.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax and not GlobalStatementSyntax and not BaseNamespaceDeclarationSyntax);
        if (member is null)
        {
            return node.AncestorsAndSelf().Any(n => n is GlobalStatementSyntax) ? TopLevelSymbol : "";
        }

        var container = ContainerName(member.Parent);
        var name = MemberName(member, node);
        return container.Length == 0 ? name : container + "." + name;
    }

    private static string MemberName(SyntaxNode member, SyntaxNode flagged) => member switch
    {
        BaseTypeDeclarationSyntax type => TypeName(type),
        DelegateDeclarationSyntax d => d.Identifier.ValueText + TypeParameters(d.TypeParameterList) + Parameters(d.ParameterList),
        MethodDeclarationSyntax m => ExplicitInterface(m.ExplicitInterfaceSpecifier) + m.Identifier.ValueText + TypeParameters(m.TypeParameterList) + Parameters(m.ParameterList),
        ConstructorDeclarationSyntax c => (c.Modifiers.Any(SyntaxKind.StaticKeyword) ? ".cctor" : c.Identifier.ValueText) + Parameters(c.ParameterList),
        DestructorDeclarationSyntax d => "~" + d.Identifier.ValueText + "()",
        OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text + Parameters(o.ParameterList),
        ConversionOperatorDeclarationSyntax c => c.ImplicitOrExplicitKeyword.Text + " operator " + TypeText(c.Type) + Parameters(c.ParameterList),
        IndexerDeclarationSyntax i => ExplicitInterface(i.ExplicitInterfaceSpecifier) + "this[" + string.Join(", ", i.ParameterList.Parameters.Select(p => TypeText(p.Type))) + "]",
        PropertyDeclarationSyntax p => ExplicitInterface(p.ExplicitInterfaceSpecifier) + p.Identifier.ValueText,
        EventDeclarationSyntax e => ExplicitInterface(e.ExplicitInterfaceSpecifier) + e.Identifier.ValueText,
        BaseFieldDeclarationSyntax f => FieldName(f, flagged),
        EnumMemberDeclarationSyntax e => e.Identifier.ValueText,
        _ => member.Kind().ToString(),
    };

    // A declaration of several fields names the one the finding is in (the first when it spans them all).
    private static string FieldName(BaseFieldDeclarationSyntax field, SyntaxNode flagged)
    {
        var variables = field.Declaration.Variables;
        var around = flagged.AncestorsAndSelf().OfType<VariableDeclaratorSyntax>().FirstOrDefault();
        return (around ?? variables.FirstOrDefault())?.Identifier.ValueText ?? "";
    }

    private static string ContainerName(SyntaxNode? parent)
    {
        var parts = new List<string>();
        for (var node = parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BaseTypeDeclarationSyntax type:
                    parts.Add(TypeName(type));
                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    parts.Add(Normalize(ns.Name.ToString()).Replace(" ", ""));
                    break;
            }
        }

        parts.Reverse();
        return string.Join(".", parts);
    }

    private static string TypeName(BaseTypeDeclarationSyntax type)
        => type.Identifier.ValueText + (type is TypeDeclarationSyntax t ? TypeParameters(t.TypeParameterList) : "");

    private static string TypeParameters(TypeParameterListSyntax? list)
        => list is null || list.Parameters.Count == 0 ? "" : "<" + string.Join(", ", list.Parameters.Select(p => p.Identifier.ValueText)) + ">";

    private static string Parameters(BaseParameterListSyntax? list)
        => list is null ? "()" : "(" + string.Join(", ", list.Parameters.Select(p => TypeText(p.Type))) + ")";

    private static string ExplicitInterface(ExplicitInterfaceSpecifierSyntax? specifier)
        => specifier is null ? "" : TypeText(specifier.Name) + ".";

    // Types as written, without spaces: "Dictionary<string,int>" whatever the formatting.
    private static string TypeText(SyntaxNode? type)
        => type is null ? "" : Whitespace.Replace(type.ToString(), "");

    private static string Normalize(string text) => Whitespace.Replace(text, " ").Trim();

    private static bool IsStringToken(SyntaxToken token)
        => token.IsKind(SyntaxKind.StringLiteralToken) || token.IsKind(SyntaxKind.InterpolatedStringTextToken) || token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken)
            || token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) || token.IsKind(SyntaxKind.Utf8StringLiteralToken);

    private static string Sha256Hex(string text)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var hex = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
