using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Aegis.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.CodeFixes.Secrets;

/// <summary>
/// AEG002: replaces a hard-coded secret with a lookup — <c>_configuration["Stripe:ApiKey"]</c> when the type holds an
/// <c>IConfiguration</c> usable at that spot, <c>Environment.GetEnvironmentVariable("STRIPE_API_KEY")</c> otherwise —
/// keeping the non-secret text around it; a missing value throws (<see cref="FailClosedLookup"/>). The key, variable and
/// member come from the diagnostic's properties, unless the code already reads a key for the same value (<see cref="ExistingLookup"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HardcodedSecretCodeFixProvider))]
[Shared]
public sealed class HardcodedSecretCodeFixProvider : CodeFixProvider
{
    private enum DeclarationChange
    {
        None,

        /// <summary><c>const</c> field → <c>static readonly</c> (the lookup is static).</summary>
        ConstToStaticReadonly,

        /// <summary><c>const</c> field → instance <c>readonly</c> field initialized from a primary-constructor parameter.</summary>
        ConstToReadonly,

        /// <summary><c>const</c> local → plain local.</summary>
        ConstLocalToLocal,

        /// <summary>Field (or const) → expression-bodied get-only property that reads the configuration each time.</summary>
        ToProperty,
    }

    /// <summary>How a configuration fix uses a primary-constructor parameter: both at once in one type is CS9124.</summary>
    private enum ParameterUse
    {
        None,
        Initializer,
        Capture,
    }

    private sealed class SecretFix
    {
        public SecretFix(ExpressionSyntax expression, ExpressionSyntax replacement, SyntaxNode? declaration, DeclarationChange change, bool needsSystem, ParameterUse parameterUse, string lookupName)
        {
            ParameterUse = parameterUse;
            LookupName = lookupName;
            Expression = expression;
            Replacement = replacement;
            Declaration = declaration;
            Change = change;
            NeedsSystem = needsSystem;
        }

        public ExpressionSyntax Expression { get; }

        public ExpressionSyntax Replacement { get; }

        /// <summary>The field or local declaration that changes too, when <see cref="Change"/> is not None.</summary>
        public SyntaxNode? Declaration { get; }

        public DeclarationChange Change { get; }

        /// <summary><c>Environment</c> or <c>Convert</c> is written unqualified and <c>System</c> is not imported yet.</summary>
        public bool NeedsSystem { get; }

        public ParameterUse ParameterUse { get; }

        /// <summary>The configuration key or environment variable the fix reads, for the fix's title.</summary>
        public string LookupName { get; }
    }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.HardcodedSecret);

    public override FixAllProvider GetFixAllProvider() => new DocumentFixAllProvider(FixDocumentAsync, Variants);

    /// <summary>The analyzer's recommended lookup first, the other one when the first cannot apply.</summary>
    private static IReadOnlyList<string> Variants(Diagnostic diagnostic)
        => Property(diagnostic, DiagnosticPropertyNames.LookupStyle) == "configuration"
            ? new[] { EquivalenceKeys.ConfigurationLookup, EquivalenceKeys.EnvironmentLookup }
            : new[] { EquivalenceKeys.EnvironmentLookup, EquivalenceKeys.ConfigurationLookup };

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var key in Variants(diagnostic))
            {
                if (await PlanAsync(context.Document, root, model, diagnostic, key, context.CancellationToken).ConfigureAwait(false) is not { } fix)
                {
                    continue;
                }

                var title = key == EquivalenceKeys.ConfigurationLookup
                    ? "Read the secret from configuration: " + Property(diagnostic, DiagnosticPropertyNames.ConfigurationMember) + "[\"" + fix.LookupName + "\"]"
                    : "Read the secret from the environment variable " + fix.LookupName;
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), DocumentFixAllProvider.Only(key), ct), key),
                    diagnostic);
            }
        }
    }

    /// <summary>Applies every diagnostic of one document with the first of its <paramref name="variants"/> that applies.</summary>
    private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Func<Diagnostic, IReadOnlyList<string>> variants, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var fixes = new List<SecretFix>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            // As when fixed one at a time: once an earlier fix reads the parameter in an initializer, a later one may
            // not capture it, and the other way round.
            foreach (var key in variants(diagnostic))
            {
                if (await PlanAsync(document, root, model, diagnostic, key, cancellationToken).ConfigureAwait(false) is { } fix
                    && !fixes.Any(f => f.Expression.Span.IntersectsWith(fix.Expression.Span))
                    && !fixes.Any(f => f.ParameterUse != ParameterUse.None && fix.ParameterUse != ParameterUse.None && f.ParameterUse != fix.ParameterUse))
                {
                    fixes.Add(fix);
                    break;
                }
            }
        }

        // A declaration that changes is rewritten as a whole, with every secret inside it; the rest are expressions.
        var declarations = new Dictionary<SyntaxNode, (DeclarationChange Change, Dictionary<SyntaxNode, SyntaxNode> Replacements)>();
        foreach (var fix in fixes.Where(f => f.Declaration is not null && f.Change != DeclarationChange.None))
        {
            if (!declarations.ContainsKey(fix.Declaration!))
            {
                declarations[fix.Declaration!] = (fix.Change, new Dictionary<SyntaxNode, SyntaxNode>());
            }
        }

        var expressions = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var fix in fixes)
        {
            var owner = declarations.Keys.FirstOrDefault(d => d.Span.Contains(fix.Expression.Span));
            if (owner is not null)
            {
                declarations[owner].Replacements[fix.Expression] = fix.Replacement;
            }
            else
            {
                expressions[fix.Expression] = fix.Replacement;
            }
        }

        if (declarations.Count == 0 && expressions.Count == 0)
        {
            return document;
        }

        var newRoot = root.ReplaceNodes(
            declarations.Keys.Concat(expressions.Keys),
            (original, rewritten) => declarations.TryGetValue(original, out var change)
                ? Rewrite(original.ReplaceNodes(change.Replacements.Keys, (o, _) => change.Replacements[o]), change.Change)
                : expressions[original]);
        if (fixes.Any(f => f.NeedsSystem))
        {
            var newLine = DocumentNewLine.Of(await document.GetTextAsync(cancellationToken).ConfigureAwait(false));
            newRoot = UsingDirectives.Add(newRoot, "System", newLine, inScope: false);
        }

        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>The fix for one diagnostic in the variant <paramref name="key"/>, or null when that variant cannot apply.</summary>
    private static async Task<SecretFix?> PlanAsync(Document document, SyntaxNode root, SemanticModel model, Diagnostic diagnostic, string key, CancellationToken cancellationToken)
    {
        if (Property(diagnostic, DiagnosticPropertyNames.RemediationStrategy) == RemediationStrategies.NeedsHumanReview
            || !root.FullSpan.Contains(diagnostic.Location.SourceSpan)
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax node
            || node.Span != diagnostic.Location.SourceSpan)
        {
            return null;
        }

        var declarator = node.Ancestors().OfType<VariableDeclaratorSyntax>().FirstOrDefault(d => d.Initializer is { } i && i.Value.Span.Contains(node.Span));
        var declaration = declarator?.Parent?.Parent;
        var isConstField = declaration is FieldDeclarationSyntax field && field.Modifiers.Any(SyntaxKind.ConstKeyword);
        var isConstLocal = declaration is LocalDeclarationStatementSyntax local && local.IsConst;
        if ((isConstField || isConstLocal) && !await ConstUsesAllowChangeAsync(document, model, (VariableDeclarationSyntax)declarator!.Parent!, isConstField, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        string lookup;
        string lookupName;
        var (exception, needsSystem) = TypeAccess(model, node.SpanStart, "InvalidOperationException", cancellationToken);
        // A key read for the whole value holds the whole value: reuse it only where the secret is the whole string (not
        // the password inside a connection string, not a byte array kept as base64).
        var value = model.GetConstantValue(node, cancellationToken).Value as string;
        var start = Number(diagnostic, DiagnosticPropertyNames.SecretStart) ?? 0;
        var length = Number(diagnostic, DiagnosticPropertyNames.SecretLength) ?? value?.Length ?? 0;
        var existing = value is not null && start == 0 && length == value.Length
            ? await ExistingLookup.FindAsync(document, model, node, cancellationToken).ConfigureAwait(false)
            : default;
        var parameterUse = ParameterUse.None;
        var change = isConstField ? DeclarationChange.ConstToStaticReadonly : isConstLocal ? DeclarationChange.ConstLocalToLocal : DeclarationChange.None;
        if (key == EquivalenceKeys.EnvironmentLookup)
        {
            // ASP.NET Core maps the variable Auth__StaffApiKey to the configuration key Auth:StaffApiKey.
            if ((existing.EnvironmentVariable ?? existing.ConfigurationKey?.Replace(":", "__") ?? Property(diagnostic, DiagnosticPropertyNames.EnvironmentVariable)) is not { Length: > 0 } variable)
            {
                return null;
            }

            var (environment, missing) = TypeAccess(model, node.SpanStart, "Environment", cancellationToken);
            needsSystem |= missing;
            lookup = FailClosedLookup.Environment(environment, exception, variable);
            lookupName = variable;
        }
        else if (key == EquivalenceKeys.ConfigurationLookup)
        {
            if (Property(diagnostic, DiagnosticPropertyNames.ConfigurationMember) is not { Length: > 0 } member
                || (existing.ConfigurationKey ?? existing.EnvironmentVariable?.Replace("__", ":") ?? Property(diagnostic, DiagnosticPropertyNames.ConfigurationKey)) is not { Length: > 0 } configurationKey
                || await ConfigurationChangeAsync(document, model, node, declaration, member, isConstField, isConstLocal, cancellationToken).ConfigureAwait(false) is not { } configurationChange)
            {
                return null;
            }

            change = configurationChange.Change;
            parameterUse = configurationChange.ParameterUse;
            lookup = FailClosedLookup.Configuration(member, configurationChange.Nullable, exception, configurationKey);
            lookupName = configurationKey;
        }
        else
        {
            return null;
        }

        ExpressionSyntax? replacement;
        if (node is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax)
        {
            if (model.GetTypeInfo(node, cancellationToken).Type is not IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
            {
                return null;
            }

            // A byte-array key is kept as base64 text in the configuration or the environment.
            var (convert, missing) = TypeAccess(model, node.SpanStart, "Convert", cancellationToken);
            needsSystem |= missing;
            replacement = SecretReplacement.Parenthesize(SyntaxFactory.ParseExpression(convert + ".FromBase64String(" + lookup + ")"), node);
        }
        else
        {
            replacement = SecretReplacement.ForString(node, model, start, length, lookup, cancellationToken);
        }

        if (replacement is null)
        {
            return null;
        }

        replacement = replacement.WithTriviaFrom(node);
        return new SecretFix(node, replacement, change == DeclarationChange.None ? null : declaration, change, needsSystem, parameterUse, lookupName);
    }

    /// <summary>
    /// For the configuration variant: what must change so the configuration member can be read where the secret is,
    /// or null when it cannot (static code, a field initializer reading an instance field that cannot become a property,
    /// a primary-constructor parameter that would be both captured and used in an initializer — CS9124).
    /// </summary>
    private static async Task<(DeclarationChange Change, bool Nullable, ParameterUse ParameterUse)?> ConfigurationChangeAsync(
        Document document, SemanticModel model, ExpressionSyntax node, SyntaxNode? declaration, string member, bool isConstField, bool isConstLocal, CancellationToken cancellationToken)
    {
        var symbol = model.GetSpeculativeSymbolInfo(node.SpanStart, SyntaxFactory.IdentifierName(member), SpeculativeBindingOption.BindAsExpression).Symbol;
        var (type, isStatic) = symbol switch
        {
            IFieldSymbol f => (f.Type, f.IsStatic),
            IPropertySymbol p => (p.Type, p.IsStatic),
            IParameterSymbol p => (p.Type, false),
            _ => ((ITypeSymbol?)null, false),
        };
        var enclosingType = model.GetEnclosingSymbol(node.SpanStart, cancellationToken)?.ContainingType;
        if (type is null || symbol is null || enclosingType is null)
        {
            return null;
        }

        var nullable = type.NullableAnnotation == NullableAnnotation.Annotated;
        if (isStatic)
        {
            return (isConstField ? DeclarationChange.ConstToStaticReadonly : isConstLocal ? DeclarationChange.ConstLocalToLocal : DeclarationChange.None, nullable, ParameterUse.None);
        }

        var primary = symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol constructor } parameter && SecretUsage.IsPrimaryConstructor(constructor)
            ? SecretUsage.PrimaryParameterUse(parameter, model, cancellationToken)
            : ((bool InInitializers, bool Captured)?)null;
        if (symbol is IParameterSymbol && primary is null)
        {
            return null;
        }

        var context = SecretUsage.ContextOf(node, model, cancellationToken);
        var change = await ConfigurationDeclarationChangeAsync(document, model, declaration, isConstField, isConstLocal, context, primary, enclosingType, cancellationToken).ConfigureAwait(false);
        if (change is null)
        {
            return null;
        }

        var use = primary is null ? ParameterUse.None
            : change == DeclarationChange.ConstToReadonly || (change == DeclarationChange.None && context == SecretUsage.Context.InstanceInitializer) ? ParameterUse.Initializer
            : ParameterUse.Capture;
        return (change.Value, nullable, use);
    }

    private static async Task<DeclarationChange?> ConfigurationDeclarationChangeAsync(
        Document document, SemanticModel model, SyntaxNode? declaration, bool isConstField, bool isConstLocal, SecretUsage.Context context,
        (bool InInitializers, bool Captured)? primary, INamedTypeSymbol enclosingType, CancellationToken cancellationToken)
    {
        if (isConstField)
        {
            var field = (FieldDeclarationSyntax)declaration!;
            if (!await ReferencesAllowInstanceAsync(document, model, field, enclosingType, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (primary is { Captured: false })
            {
                return DeclarationChange.ConstToReadonly;
            }

            return primary is not { InInitializers: true } && CanBecomeProperty(field) ? DeclarationChange.ToProperty : null;
        }

        switch (context)
        {
            case SecretUsage.Context.InstanceInitializer:
                if (primary is { Captured: false })
                {
                    return DeclarationChange.None;
                }

                return declaration is FieldDeclarationSyntax instanceField
                    && primary is not { InInitializers: true }
                    && CanBecomeProperty(instanceField)
                    && await IsNeverWrittenAsync(document, model, instanceField, cancellationToken).ConfigureAwait(false)
                    ? DeclarationChange.ToProperty
                    : null;
            case SecretUsage.Context.InstanceBody:
                return primary is { InInitializers: true } ? null : isConstLocal ? DeclarationChange.ConstLocalToLocal : DeclarationChange.None;
            case SecretUsage.Context.ConstructorBody:
                return primary is not null ? null : isConstLocal ? DeclarationChange.ConstLocalToLocal : DeclarationChange.None;
            default:
                return null;
        }
    }

    private static bool CanBecomeProperty(FieldDeclarationSyntax field)
        => field.Declaration.Variables.Count == 1
            && field.AttributeLists.Count == 0
            && !field.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.VolatileKeyword) || m.IsKind(SyntaxKind.FixedKeyword))
            && field.Parent is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax;

    private static async Task<bool> IsNeverWrittenAsync(Document document, SemanticModel model, FieldDeclarationSyntax field, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(field.Declaration.Variables[0], cancellationToken) is not { } symbol)
        {
            return false;
        }

        foreach (var (reference, _) in await SecretUsage.ReferencesAsync(symbol, document.Project.Solution, cancellationToken).ConfigureAwait(false))
        {
            if (SecretUsage.IsWrite(reference))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A const becoming an instance member: every use must be an unqualified read in instance code of the type.</summary>
    private static async Task<bool> ReferencesAllowInstanceAsync(Document document, SemanticModel model, FieldDeclarationSyntax field, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var variable in field.Declaration.Variables)
        {
            if (model.GetDeclaredSymbol(variable, cancellationToken) is not { } symbol)
            {
                return false;
            }

            foreach (var (reference, referenceModel) in await SecretUsage.ReferencesAsync(symbol, document.Project.Solution, cancellationToken).ConfigureAwait(false))
            {
                if (!SecretUsage.AllowsInstanceMember(reference, referenceModel, type, cancellationToken))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>No use of the const (any declarator of the declaration) may need a constant or run before a static initializer.</summary>
    private static async Task<bool> ConstUsesAllowChangeAsync(Document document, SemanticModel model, VariableDeclarationSyntax variables, bool isField, CancellationToken cancellationToken)
    {
        foreach (var variable in variables.Variables)
        {
            if (model.GetDeclaredSymbol(variable, cancellationToken) is not { } symbol)
            {
                return false;
            }

            foreach (var (reference, _) in await SecretUsage.ReferencesAsync(symbol, document.Project.Solution, cancellationToken).ConfigureAwait(false))
            {
                if (SecretUsage.IsConstantOnlyUse(reference) || (isField && SecretUsage.IsReadByEarlierStaticInitializer(reference, variables.Parent!)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static SyntaxNode Rewrite(SyntaxNode declaration, DeclarationChange change)
    {
        switch (declaration)
        {
            case FieldDeclarationSyntax field when change == DeclarationChange.ConstToStaticReadonly:
                {
                    var constant = field.Modifiers.First(m => m.IsKind(SyntaxKind.ConstKeyword));
                    var modifiers = field.Modifiers.ReplaceRange(constant, new[]
                    {
                        SyntaxFactory.Token(constant.LeadingTrivia, SyntaxKind.StaticKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)),
                        SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.ReadOnlyKeyword, constant.TrailingTrivia),
                    });
                    return field.WithModifiers(modifiers);
                }

            case FieldDeclarationSyntax field when change == DeclarationChange.ConstToReadonly:
                {
                    var constant = field.Modifiers.First(m => m.IsKind(SyntaxKind.ConstKeyword));
                    return field.WithModifiers(field.Modifiers.Replace(constant, SyntaxFactory.Token(constant.LeadingTrivia, SyntaxKind.ReadOnlyKeyword, constant.TrailingTrivia)));
                }

            case FieldDeclarationSyntax field when change == DeclarationChange.ToProperty:
                {
                    var variable = field.Declaration.Variables[0];
                    var type = field.Declaration.Type;
                    var modifiers = field.Modifiers;
                    foreach (var kind in new[] { SyntaxKind.ConstKeyword, SyntaxKind.ReadOnlyKeyword })
                    {
                        var index = modifiers.IndexOf(kind);
                        if (index < 0)
                        {
                            continue;
                        }

                        var removed = modifiers[index];
                        modifiers = modifiers.RemoveAt(index);
                        if (index == 0 && modifiers.Count > 0)
                        {
                            modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(removed.LeadingTrivia));
                        }
                        else if (index == 0)
                        {
                            type = type.WithLeadingTrivia(removed.LeadingTrivia);
                        }
                    }

                    var equals = variable.Initializer!.EqualsToken;
                    var arrow = SyntaxFactory.ArrowExpressionClause(
                        SyntaxFactory.Token(equals.LeadingTrivia, SyntaxKind.EqualsGreaterThanToken, equals.TrailingTrivia),
                        variable.Initializer.Value);
                    return SyntaxFactory.PropertyDeclaration(field.AttributeLists, modifiers, type, null, variable.Identifier, null, arrow, null, field.SemicolonToken);
                }

            case LocalDeclarationStatementSyntax local when change == DeclarationChange.ConstLocalToLocal:
                {
                    var constant = local.Modifiers.First(m => m.IsKind(SyntaxKind.ConstKeyword));
                    var index = local.Modifiers.IndexOf(constant);
                    var modifiers = local.Modifiers.RemoveAt(index);
                    var result = local.WithModifiers(modifiers);
                    if (index == 0 && modifiers.Count > 0)
                    {
                        return result.WithModifiers(modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(constant.LeadingTrivia)));
                    }

                    return index == 0 && local.AwaitKeyword.IsKind(SyntaxKind.None) && local.UsingKeyword.IsKind(SyntaxKind.None)
                        ? result.WithDeclaration(result.Declaration.WithType(result.Declaration.Type.WithLeadingTrivia(constant.LeadingTrivia)))
                        : result;
                }

            default:
                return declaration;
        }
    }

    /// <summary>How to write <c>System.<paramref name="name"/></c> at a spot: unqualified (and whether <c>using System;</c> must be added) or fully qualified when another type takes the name.</summary>
    private static (string Text, bool NeedsUsing) TypeAccess(SemanticModel model, int position, string name, CancellationToken cancellationToken)
    {
        var info = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(name), SpeculativeBindingOption.BindAsExpression);
        if (info.Symbol is INamedTypeSymbol type && type.ToDisplayString() == "System." + name)
        {
            return (name, false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return info.Symbol is null && info.CandidateSymbols.IsEmpty ? (name, true) : ("global::System." + name, false);
    }

    private static string? Property(Diagnostic diagnostic, string key)
        => diagnostic.Properties.TryGetValue(key, out var value) ? value : null;

    private static int? Number(Diagnostic diagnostic, string key)
        => int.TryParse(Property(diagnostic, key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
