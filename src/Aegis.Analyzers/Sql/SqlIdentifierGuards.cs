using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Sql;

/// <summary>
/// Validation that neutralises text before it reaches SQL: a guard that leaves only known names through (a fixed
/// allow-list, <c>Enum.IsDefined</c>, an anchored whitelisting regex, a constant pattern), a lookup in a fixed
/// dictionary, and identifier quoting (doubled quotes, a provider's <c>QuoteIdentifier</c>). One instance per evaluation.
/// </summary>
internal sealed class SqlIdentifierGuards
{
    /// <summary>Members that accept their argument only when it is in the receiver, a fixed collection.</summary>
    private static readonly ImmutableHashSet<string> MembershipMethods = ImmutableHashSet.Create(StringComparer.Ordinal, "Contains", "ContainsKey");

    /// <summary>Dictionary reads whose result is one of the dictionary's values (or the constant default).</summary>
    private static readonly ImmutableHashSet<string> LookupMethods = ImmutableHashSet.Create(StringComparer.Ordinal, "GetValueOrDefault", "TryGetValue");

    /// <summary>Collection members that change the contents: a collection used with one of them is not fixed.</summary>
    private static readonly ImmutableHashSet<string> MutatingMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Add", "AddRange", "TryAdd", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere",
        "Clear", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith", "Push", "Enqueue", "Fill", "CopyTo", "Reverse", "Sort");

    /// <summary>Extension classes whose methods only read the collection they extend.</summary>
    private static readonly string[] ReadOnlyExtensionTypes = { "System.Linq.Enumerable", "System.Collections.Generic.CollectionExtensions" };

    /// <summary>Namespaces of collections nobody can change after creation.</summary>
    private static readonly string[] ImmutableCollectionNamespaces = { "System.Collections.Immutable", "System.Collections.Frozen" };

    /// <summary>Methods that validate their argument as a known name: (type, method, parameter that is validated).</summary>
    private static readonly (string Type, string Method)[] NameValidators =
    {
        ("System.Enum", "IsDefined"),
    };

    /// <summary>Provider calls that quote an identifier: a type (or its base) and the method.</summary>
    private static readonly (string Type, string Method)[] QuoteIdentifierMethods =
    {
        ("System.Data.Common.DbCommandBuilder", "QuoteIdentifier"),
    };

    /// <summary>What a whitelisting regex may contain between its anchors: word characters, digits, <c>_ - .</c>, classes of those, groups and quantifiers.</summary>
    private static readonly Regex SafePatternBody = new(
        @"^(?:[A-Za-z0-9_]|\\[wd.\-_]|\[(?!\^)(?:[A-Za-z0-9_.\-]|\\[wd.\-_])+\]|\((?:\?:)?|\)|\||[*+?]|\{\d+(?:,\d*)?\})*$",
        RegexOptions.CultureInvariant);

    private readonly KnownTypes types;
    private readonly Func<SyntaxTree, SemanticModel?> modelFor;
    private readonly CancellationToken cancellationToken;
    private readonly Dictionary<ISymbol, bool> fixedFields = new(SymbolEqualityComparer.Default);

    public SqlIdentifierGuards(Compilation compilation, Func<SyntaxTree, SemanticModel?> modelFor, CancellationToken cancellationToken)
    {
        types = KnownTypes.For(compilation);
        this.modelFor = modelFor;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>
    /// True when the local or parameter that <paramref name="reference"/> reads was validated before this read
    /// (<c>if (!Allowed.Contains(x)) throw …;</c>, or the read sits in the branch where the check passed), or when it
    /// is the <c>out</c> variable of a lookup in a fixed dictionary.
    /// </summary>
    public bool IsValidated(IOperation reference)
    {
        var symbol = reference switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (symbol is null || reference.Syntax is not { } use)
        {
            return false;
        }

        var root = SqlTextEvaluator.Root(reference);
        foreach (var candidate in root.Descendants())
        {
            switch (candidate)
            {
                case IConditionalOperation { Condition: { } condition } branch when branch.Syntax is IfStatementSyntax:
                    if (GuardsBefore(branch, condition, symbol, use) || GuardsInside(branch, condition, symbol, use))
                    {
                        return !IsWrittenBetween(root, symbol, branch.Syntax.SpanStart, use.SpanStart);
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out, Value: IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared }, Parent: IInvocationOperation lookup }
                    when symbol is ILocalSymbol && SymbolEqualityComparer.Default.Equals(declared.Local, symbol) && IsFixedLookup(lookup):
                    return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>Fixed[key]</c>, <c>Fixed.GetValueOrDefault(key[, "Default"])</c>: a read that yields only the dictionary's constant values.</summary>
    public bool IsFixedLookup(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } dictionary } => IsFixedCollection(dictionary),
        IInvocationOperation invocation when LookupMethods.Contains(invocation.TargetMethod.Name) && Receiver(invocation) is { } dictionary
            => IsFixedCollection(dictionary) && invocation.Arguments.Skip(invocation.Instance is null ? 2 : 1)
                .All(a => a.Parameter?.RefKind == RefKind.Out || a.Value.ConstantValue.HasValue),
        _ => false,
    };

    /// <summary>The text a provider's quote-identifier call quotes, or null when <paramref name="invocation"/> is not one.</summary>
    public IOperation? QuotedByProvider(IInvocationOperation invocation)
    {
        foreach (var (typeName, method) in QuoteIdentifierMethods)
        {
            if (invocation.TargetMethod.Name == method && invocation.Arguments.Length > 0
                && invocation.TargetMethod.ContainingType.InheritsFromOrEquals(types.Get(typeName)))
            {
                return invocation.Arguments[0].Value;
            }
        }

        return null;
    }

    /// <summary><c>if (!Valid(x)) return/throw;</c> before the read, in a block that holds the read.</summary>
    private bool GuardsBefore(IConditionalOperation branch, IOperation condition, ISymbol symbol, SyntaxNode use)
        => branch.Syntax.Span.End <= use.SpanStart
            && Rejects(condition, symbol)
            && Exits(branch.WhenTrue)
            && branch.Syntax.Parent is { } scope && scope.Span.Contains(use.Span);

    /// <summary><c>if (Valid(x)) { …read… }</c> or <c>if (!Valid(x)) { … } else { …read… }</c>.</summary>
    private bool GuardsInside(IConditionalOperation branch, IOperation condition, ISymbol symbol, SyntaxNode use)
        => (branch.WhenTrue.Syntax.Span.Contains(use.Span) && Validates(condition, symbol))
            || (branch.WhenFalse is { } otherwise && otherwise.Syntax.Span.Contains(use.Span) && Rejects(condition, symbol));

    /// <summary>True when <paramref name="condition"/> holds for every text that is not a known name: <c>!Valid(x)</c>, <c>Valid(x) == false</c>, <c>x is not ("A" or "B")</c>, <c>x == null || !Valid(x)</c>.</summary>
    private bool Rejects(IOperation condition, ISymbol symbol) => Unwrap(condition) switch
    {
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not => Validates(not.Operand, symbol),
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, RightOperand.ConstantValue: { HasValue: true, Value: false } } equals => Validates(equals.LeftOperand, symbol),
        IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: false } } } pattern => Validates(pattern.Value, symbol),
        IIsPatternOperation { Pattern: INegatedPatternOperation negated } pattern => AcceptsOnlyConstants(negated.Pattern) && ReadsSymbol(pattern.Value, symbol),
        IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either => Rejects(either.LeftOperand, symbol) || Rejects(either.RightOperand, symbol),
        _ => false,
    };

    /// <summary>True when <paramref name="condition"/> holds only for known names in <paramref name="symbol"/>.</summary>
    private bool Validates(IOperation condition, ISymbol symbol)
    {
        condition = Unwrap(condition);
        switch (condition)
        {
            case IIsPatternOperation pattern:
                return AcceptsOnlyConstants(pattern.Pattern) && ReadsSymbol(pattern.Value, symbol);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                return Validates(both.LeftOperand, symbol) || Validates(both.RightOperand, symbol);
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if (MembershipMethods.Contains(method.Name) && Receiver(invocation) is { } collection && ValidatedArgument(invocation) is { } member)
                {
                    return ReadsSymbol(member, symbol) && IsFixedCollection(collection);
                }

                if (method.Name == "IsMatch")
                {
                    return IsWhitelistingMatch(invocation, symbol);
                }

                foreach (var (type, name) in NameValidators)
                {
                    if (method.Name == name && method.ContainingType.ToDisplayString() == type)
                    {
                        return invocation.Arguments.Any(a => a.Parameter?.Name == "value" && ReadsSymbol(a.Value, symbol));
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>The instance a collection method runs on, or the first argument of an extension (<c>Enumerable.Contains</c>).</summary>
    private static IOperation? Receiver(IInvocationOperation invocation)
        => invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    private static IOperation? ValidatedArgument(IInvocationOperation invocation)
    {
        var first = invocation.Instance is null ? 1 : 0;
        return invocation.Arguments.Length > first ? invocation.Arguments[first].Value : null;
    }

    /// <summary><c>Regex.IsMatch(x, "^…$")</c>, <c>field.IsMatch(x)</c> of a readonly regex, or a <c>[GeneratedRegex]</c> method's <c>IsMatch(x)</c>.</summary>
    private bool IsWhitelistingMatch(IInvocationOperation invocation, ISymbol symbol)
    {
        if (invocation.TargetMethod.ContainingType.ToDisplayString() != "System.Text.RegularExpressions.Regex")
        {
            return false;
        }

        var input = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "input")?.Value;
        if (input is null || !ReadsSymbol(input, symbol))
        {
            return false;
        }

        var pattern = invocation.Instance is null
            ? invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "pattern")?.Value.ConstantValue.Value as string
            : PatternOf(Unwrap(invocation.Instance));
        return pattern is not null && IsWhitelistingPattern(pattern);
    }

    private string? PatternOf(IOperation regex)
    {
        switch (regex)
        {
            case IFieldReferenceOperation { Field: { IsReadOnly: true } field }:
                return Initializer(field) is IObjectCreationOperation { Arguments.Length: > 0 } creation
                    ? creation.Arguments[0].Value.ConstantValue.Value as string
                    : null;
            case IInvocationOperation generated:
                var attribute = generated.TargetMethod.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "GeneratedRegexAttribute");
                return attribute is { ConstructorArguments.Length: > 0 } ? attribute.ConstructorArguments[0].Value as string : null;
            case IPropertyReferenceOperation generatedProperty:
                var propertyAttribute = generatedProperty.Property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "GeneratedRegexAttribute");
                return propertyAttribute is { ConstructorArguments.Length: > 0 } ? propertyAttribute.ConstructorArguments[0].Value as string : null;
            default:
                return null;
        }
    }

    /// <summary>Anchored at both ends (<c>^…$</c>, <c>\A…\z</c>) and made of name characters only, with no top-level alternation.</summary>
    internal static bool IsWhitelistingPattern(string pattern)
    {
        string body;
        if (pattern.StartsWith("^", StringComparison.Ordinal))
        {
            body = pattern.Substring(1);
        }
        else if (pattern.StartsWith(@"\A", StringComparison.Ordinal))
        {
            body = pattern.Substring(2);
        }
        else
        {
            return false;
        }

        if (body.EndsWith(@"\z", StringComparison.Ordinal) || body.EndsWith(@"\Z", StringComparison.Ordinal))
        {
            body = body.Substring(0, body.Length - 2);
        }
        else if (body.EndsWith("$", StringComparison.Ordinal) && !body.EndsWith(@"\$", StringComparison.Ordinal))
        {
            body = body.Substring(0, body.Length - 1);
        }
        else
        {
            return false;
        }

        if (body.Length == 0 || !SafePatternBody.IsMatch(body))
        {
            return false;
        }

        // An alternation outside every group would leave one side unanchored (^a|b$).
        var depth = 0;
        for (var i = 0; i < body.Length; i++)
        {
            switch (body[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = body.IndexOf(']', i);
                    if (i < 0)
                    {
                        return false;
                    }

                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '|' when depth == 0:
                    return false;
            }
        }

        return true;
    }

    /// <summary>A pattern that matches only constant strings (<c>"Name" or "Price"</c>).</summary>
    private static bool AcceptsOnlyConstants(IPatternOperation pattern) => pattern switch
    {
        IConstantPatternOperation constant => constant.Value.ConstantValue.Value is string,
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or => AcceptsOnlyConstants(or.LeftPattern) && AcceptsOnlyConstants(or.RightPattern),
        _ => false,
    };

    /// <summary>A collection nobody can change, holding only constant text: an immutable or frozen collection, or a private field never mutated.</summary>
    private bool IsFixedCollection(IOperation collection)
    {
        collection = Unwrap(collection);
        if (collection is not IFieldReferenceOperation { Field: { } field })
        {
            return false;
        }

        field = field.OriginalDefinition;
        if (!fixedFields.TryGetValue(field, out var isFixed))
        {
            isFixed = field.IsReadOnly && Initializer(field) is { } initializer && OnlyConstantText(initializer)
                && (IsImmutableCollection(field.Type) || (field.DeclaredAccessibility == Accessibility.Private && !IsMutated(field)));
            fixedFields[field] = isFixed;
        }

        return isFixed;
    }

    private static bool IsImmutableCollection(ITypeSymbol type)
        => type is INamedTypeSymbol named && ImmutableCollectionNamespaces.Contains(named.ContainingNamespace?.ToDisplayString(), StringComparer.Ordinal);

    /// <summary>Every string the initializer puts in is a constant (indexer targets of <c>{ ["key"] = "Value" }</c> are not values).</summary>
    private static bool OnlyConstantText(IOperation initializer)
        => initializer.DescendantsAndSelf().All(o => o.Type?.SpecialType != SpecialType.System_String || o.ConstantValue.HasValue
            || o is IConversionOperation or IInstanceReferenceOperation or IAssignmentOperation || IsWriteTarget(o));

    /// <summary>True when the type writes the field outside its initializer, changes its contents or lets it escape.</summary>
    private bool IsMutated(IFieldSymbol field)
    {
        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var model = modelFor(declaration.SyntaxTree);
            if (model is null)
            {
                return true;
            }

            foreach (var name in declaration.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name || name.Parent is VariableDeclaratorSyntax)
                {
                    continue;
                }

                SyntaxNode node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                var operation = model.GetOperation(node, cancellationToken);
                if (operation is not IFieldReferenceOperation use || !SymbolEqualityComparer.Default.Equals(use.Field.OriginalDefinition, field))
                {
                    continue;
                }

                if (!IsReadOnlyUse(use))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Reads that cannot change the collection: a non-mutating call on it, an indexer read, a LINQ query over it.</summary>
    private static bool IsReadOnlyUse(IFieldReferenceOperation use)
    {
        var parent = use.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IInvocationOperation call when call.Instance is not null => !MutatingMethods.Contains(call.TargetMethod.Name),
            IArgumentOperation { Parent: IInvocationOperation call } => call.TargetMethod.IsExtensionMethod && !MutatingMethods.Contains(call.TargetMethod.Name)
                && ReadOnlyExtensionTypes.Contains(call.TargetMethod.ContainingType.ToDisplayString(), StringComparer.Ordinal),
            IPropertyReferenceOperation { Property.IsIndexer: true } indexer => !IsWriteTarget(indexer),
            IArrayElementReferenceOperation element => !IsWriteTarget(element),
            IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "Keys" or "Values" } => true,
            IForEachLoopOperation => true,
            _ => false,
        };
    }

    private static bool IsWriteTarget(IOperation operation)
        => operation.Parent is IAssignmentOperation assignment && assignment.Target == operation;

    private IOperation? Initializer(IFieldSymbol field)
    {
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer }
                && modelFor(initializer.SyntaxTree) is { } model)
            {
                return model.GetOperation(initializer.Value, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>True when the method writes <paramref name="symbol"/> between the guard and the read (the guard no longer holds).</summary>
    private static bool IsWrittenBetween(IOperation root, ISymbol symbol, int start, int end)
    {
        foreach (var candidate in root.Descendants())
        {
            if (candidate.Syntax.SpanStart < start || candidate.Syntax.SpanStart >= end)
            {
                continue;
            }

            var target = candidate switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is not null && ReadsSymbol(target, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the statement leaves the method: <c>return</c>, <c>throw</c>, or a block ending in one.</summary>
    private static bool Exits(IOperation statement) => statement switch
    {
        IReturnOperation or IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => Exits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    private static bool ReadsSymbol(IOperation operation, ISymbol symbol) => Reads(operation) is { } read && SymbolEqualityComparer.Default.Equals(read, symbol);

    /// <summary>The local or parameter an operation reads, looking through conversions.</summary>
    private static ISymbol? Reads(IOperation operation) => Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}
