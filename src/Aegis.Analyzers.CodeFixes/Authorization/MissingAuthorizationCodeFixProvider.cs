using System.Collections.Immutable;
using System.Composition;
using Aegis.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Authorization;

/// <summary>
/// AEG003: adds the repository's dominant authorization (<c>[Authorize(...)]</c> on the controller or action, or
/// <c>.RequireAuthorization(...)</c> on a minimal-API endpoint), or declares the endpoint intentionally public.
/// What to add comes from the diagnostic's properties, so every client writes the same text.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingAuthorizationCodeFixProvider))]
[Shared]
public sealed class MissingAuthorizationCodeFixProvider : CodeFixProvider
{
    private const string AuthorizationNamespace = "Microsoft.AspNetCore.Authorization";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.MissingAuthorization);

    public override FixAllProvider GetFixAllProvider() => new DocumentFixAllProvider(FixDocumentAsync, Recommended, EquivalenceKeys.AllowAnonymous);

    /// <summary>
    /// What FixAll applies: the convention's authorization, in the form the endpoint's kind takes; nothing for an
    /// endpoint public by necessity, where authorization would lock users out and declaring it public is a person's call.
    /// </summary>
    private static IReadOnlyList<string> Recommended(Diagnostic diagnostic)
        => IsConfirmPublic(diagnostic) ? Array.Empty<string>()
            : diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.EndpointKind, out var kind) && kind == "minimal_api"
            ? new[] { EquivalenceKeys.RequireAuthorization }
            : new[] { EquivalenceKeys.AddAuthorize };

    private static bool IsConfirmPublic(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.RemediationStrategy, out var remediation) && remediation == RemediationStrategies.ConfirmPublic;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var target = FindTarget(root, diagnostic);
            if (target is null)
            {
                continue;
            }

            if (IsConfirmPublic(diagnostic))
            {
                // Login, token refresh…: the one fix is to say so.
                Register(context, diagnostic, target is InvocationExpressionSyntax ? "Confirm public: .AllowAnonymous()" : "Confirm public: mark [AllowAnonymous]", EquivalenceKeys.AllowAnonymous);
                continue;
            }

            if (target is InvocationExpressionSyntax)
            {
                if (diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.RequireAuthorizationArguments, out var arguments) && ParseArguments(arguments) is not null)
                {
                    Register(context, diagnostic, ".RequireAuthorization(" + arguments + ")", EquivalenceKeys.RequireAuthorization);
                }

                Register(context, diagnostic, ".AllowAnonymous()", EquivalenceKeys.AllowAnonymous);
            }
            else
            {
                if (diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.AuthorizeAttribute, out var attribute)
                    && attribute is not null
                    && AttributeInsertion.Parse(attribute) is not null)
                {
                    Register(context, diagnostic, "Add " + attribute, EquivalenceKeys.AddAuthorize);
                }

                Register(context, diagnostic, "Mark [AllowAnonymous] (intentionally public)", EquivalenceKeys.AllowAnonymous);
            }
        }
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, string title, string key)
        => context.RegisterCodeFix(
            CodeAction.Create(title, ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), DocumentFixAllProvider.Only(key), ct), key),
            diagnostic);

    /// <summary>Applies every diagnostic of one document with the first of its <paramref name="variants"/> that applies.</summary>
    private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Func<Diagnostic, IReadOnlyList<string>> variants, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var newLine = DocumentNewLine.Of(await document.GetTextAsync(cancellationToken).ConfigureAwait(false));
        var edits = new Dictionary<SyntaxNode, Func<SyntaxNode, SyntaxNode>>();
        var needsUsing = false;
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var target = FindTarget(root, diagnostic);
            if (target is null || edits.ContainsKey(target))
            {
                continue;
            }

            foreach (var key in variants(diagnostic))
            {
                if (Edit(target, diagnostic, key, newLine) is { } edit)
                {
                    edits[edit.Node] = edit.Rewrite;
                    needsUsing |= target is MemberDeclarationSyntax;
                    break;
                }
            }
        }

        if (edits.Count == 0)
        {
            return document;
        }

        var newRoot = root.ReplaceNodes(edits.Keys, (original, rewritten) => edits[original](rewritten));
        if (needsUsing)
        {
            newRoot = UsingDirectives.Add(newRoot, AuthorizationNamespace, newLine, ImportedElsewhere(model, root));
        }

        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>The edit the variant <paramref name="key"/> makes to <paramref name="target"/>; null when it does not apply.</summary>
    private static (SyntaxNode Node, Func<SyntaxNode, SyntaxNode> Rewrite)? Edit(SyntaxNode target, Diagnostic diagnostic, string key, string newLine)
    {
        switch (target)
        {
            case InvocationExpressionSyntax endpoint:
                var arguments = key == EquivalenceKeys.RequireAuthorization
                    ? ParseArguments(diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.RequireAuthorizationArguments, out var text) ? text : null)
                    : key == EquivalenceKeys.AllowAnonymous ? SyntaxFactory.ArgumentList() : null;
                if (arguments is null)
                {
                    return null;
                }

                var name = key == EquivalenceKeys.RequireAuthorization ? "RequireAuthorization" : "AllowAnonymous";
                return (ChainEnd(endpoint), node => AppendCall((ExpressionSyntax)node, name, arguments, newLine));

            case MemberDeclarationSyntax:
                var attributeText = key == EquivalenceKeys.AddAuthorize
                    ? (diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.AuthorizeAttribute, out var attribute) ? attribute : null)
                    : key == EquivalenceKeys.AllowAnonymous ? "[AllowAnonymous]" : null;
                return attributeText is not null && AttributeInsertion.Parse(attributeText) is { } list
                    ? (target, node => AttributeInsertion.Add((MemberDeclarationSyntax)node, list, newLine))
                    : null;

            default:
                return null;
        }
    }

    /// <summary>The declaration or <c>Map*</c> invocation the diagnostic is about.</summary>
    private static SyntaxNode? FindTarget(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!root.FullSpan.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        diagnostic.Properties.TryGetValue(DiagnosticPropertyNames.EndpointKind, out var kind);
        return kind switch
        {
            "minimal_api" => node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(IsMapCall),
            "action" => node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault(),
            "controller" => node.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault(),
            _ => null,
        };
    }

    private static bool IsMapCall(InvocationExpressionSyntax invocation)
        => invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } && name.StartsWith("Map", StringComparison.Ordinal);

    /// <summary>The outermost expression of the fluent chain that starts with the endpoint (<c>app.MapGet(...).WithName(...)</c>).</summary>
    private static ExpressionSyntax ChainEnd(InvocationExpressionSyntax endpoint)
    {
        ExpressionSyntax current = endpoint;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax next)
        {
            current = next;
        }

        return current;
    }

    /// <summary>Appends <c>.Name(args)</c>, on its own line when the chain already puts each call on one.</summary>
    private static ExpressionSyntax AppendCall(ExpressionSyntax chain, string name, ArgumentListSyntax arguments, string newLine)
    {
        var trailing = chain.GetTrailingTrivia();
        var receiver = chain.WithoutTrailingTrivia();
        var dot = SyntaxFactory.Token(SyntaxKind.DotToken);
        if (chain is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax previous }
            && previous.OperatorToken.GetPreviousToken().TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia))
        {
            dot = dot.WithLeadingTrivia(previous.OperatorToken.LeadingTrivia);
            receiver = receiver.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
        }

        var access = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, dot, SyntaxFactory.IdentifierName(name));
        return SyntaxFactory.InvocationExpression(access, arguments).WithTrailingTrivia(trailing);
    }

    private static ArgumentListSyntax? ParseArguments(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var list = SyntaxFactory.ParseArgumentList("(" + text + ")");
        return list.ContainsDiagnostics ? null : list.WithoutTrivia();
    }

    /// <summary>True when <c>Microsoft.AspNetCore.Authorization</c> is imported by a global using elsewhere.</summary>
    private static bool ImportedElsewhere(SemanticModel model, CompilationUnitSyntax root)
    {
        var probe = SyntaxFactory.ParseTypeName("AuthorizeAttribute");
        var position = root.Members.FirstOrDefault()?.SpanStart ?? root.EndOfFileToken.SpanStart;
        var type = model.GetSpeculativeTypeInfo(position, probe, SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
        return type is { ContainingNamespace: var ns } && ns.ToDisplayString() == AuthorizationNamespace;
    }
}
