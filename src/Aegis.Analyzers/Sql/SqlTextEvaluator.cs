using System.Collections.Immutable;
using System.Globalization;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Sql;

/// <summary>Confidence per kind of source (documented in docs/rules/AEG001.md).</summary>
internal static class SqlConfidence
{
    public const double RequestData = 0.95;
    public const double PublicParameter = 0.90;
    public const double Unknown = 0.60;
    public const double ConfiguredMember = 0.30;

    /// <summary>
    /// The most an identifier-only finding can have when no request data reaches it unquoted: code computes such names
    /// (from types, attributes, mappers, its own callers) far more often than a user does, so it is a suggestion.
    /// </summary>
    public const double IdentifierOnly = 0.40;
}

/// <summary>Types per compilation that the evaluation needs; one instance per compilation.</summary>
internal sealed class SqlEvaluationTypes
{
    /// <summary>Types whose text no caller can turn into SQL (besides numeric, bool and enum types).</summary>
    private static readonly string[] NonInjectableTypeNames =
    {
        "System.Guid",
        "System.DateTime",
        "System.DateTimeOffset",
        "System.TimeSpan",
        "System.DateOnly",
        "System.TimeOnly",
    };

    private readonly ImmutableArray<INamedTypeSymbol> nonInjectable;

    public SqlEvaluationTypes(KnownTypes types)
    {
        Compilation = types.Compilation;
        StringBuilder = types.Get("System.Text.StringBuilder");
        HttpRequest = types.Get("Microsoft.AspNetCore.Http.HttpRequest");
        Configuration = types.Get("Microsoft.Extensions.Configuration.IConfiguration");
        SystemType = types.Get("System.Type");
        MemberInfo = types.Get("System.Reflection.MemberInfo");
        Routes = new EndpointRoutes(types);
        Implementations = new SingleImplementations(types.Compilation);
        nonInjectable = NonInjectableTypeNames.Select(types.Get).Where(t => t is not null).ToImmutableArray()!;
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? StringBuilder { get; }

    public INamedTypeSymbol? HttpRequest { get; }

    public INamedTypeSymbol? Configuration { get; }

    public INamedTypeSymbol? SystemType { get; }

    public INamedTypeSymbol? MemberInfo { get; }

    public EndpointRoutes Routes { get; }

    public SingleImplementations Implementations { get; }

    public bool IsNonInjectable(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type is null)
        {
            return false;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
        }

        foreach (var candidate in nonInjectable)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, candidate))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Evaluates the text that reaches a SQL sink into a template of constant, safe and tainted parts. Recursive over
/// IOperation with a depth limit; follows locals within a method, helper methods and property getters a few calls
/// deep (binding their parameters to the call-site arguments, through an interface when it has one implementation),
/// the call sites of methods and constructors across the compilation, and the writes of fields. One instance per sink.
/// </summary>
internal sealed class SqlTextEvaluator
{
    private const int MaxDepth = 24;

    /// <summary>Helpers, getters and callers followed at once: action → service → repository is two levels of callers.</summary>
    private const int MaxMethodLevels = 4;

    /// <summary>Candidate call sites outside the method's own type bound per sink, so that a common method name cannot make the IDE wait.</summary>
    private const int MaxCallSites = 48;

    /// <summary><c>ArgumentKind.ParamCollection</c> (Roslyn 4.10+), which the 4.8 API this analyzer builds against lacks.</summary>
    private const ArgumentKind ParamCollection = (ArgumentKind)4;

    /// <summary>String methods whose result carries the receiver's text.</summary>
    private static readonly ImmutableHashSet<string> TextPreservingStringMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Trim", "TrimStart", "TrimEnd", "ToUpper", "ToLower", "ToUpperInvariant", "ToLowerInvariant", "Substring", "PadLeft", "PadRight", "Replace", "Normalize", "ToString");

    private readonly SqlEvaluationTypes types;
    private readonly SemanticModel model;
    private readonly CancellationToken cancellationToken;
    private readonly HashSet<IOperation> activeReferences = new();
    private readonly HashSet<ISymbol> activeMethods = new(SymbolEqualityComparer.Default);
    private readonly SqlIdentifierGuards identifierGuards;
    private readonly HashSet<ISymbol> activeMembers = new(SymbolEqualityComparer.Default);
    private int methodLevels;
    private int callSitesLeft = MaxCallSites;

    /// <summary>Above zero while a field's writes are judged: a constructor parameter then speaks through its callers.</summary>
    private int memberWriteLevels;

    public SqlTextEvaluator(SqlEvaluationTypes types, SemanticModel model, CancellationToken cancellationToken)
    {
        this.types = types;
        this.model = model;
        this.cancellationToken = cancellationToken;
        identifierGuards = new SqlIdentifierGuards(types.Compilation, ModelFor, cancellationToken);
    }

    public SqlValue Evaluate(IOperation? operation) => Evaluate(operation, null, 0);

    private SqlValue Evaluate(IOperation? operation, Bindings? bindings, int depth)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (operation is null || depth > MaxDepth || operation is IInvalidOperation)
        {
            return SqlValue.Safe;
        }

        // A boxed or converted number is still a number: judge the operand's type.
        while (operation is IConversionOperation conversion && !operation.ConstantValue.HasValue)
        {
            if (types.IsNonInjectable(conversion.Operand.Type))
            {
                return SqlValue.Safe;
            }

            operation = conversion.Operand;
        }

        if (operation.ConstantValue.HasValue)
        {
            return SqlValue.Constant(operation.ConstantValue.Value switch
            {
                null => string.Empty,
                string text => text,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? string.Empty,
            });
        }

        if (types.IsNonInjectable(operation.Type))
        {
            return SqlValue.Safe;
        }

        var next = depth + 1;

        // A StringBuilder handed to a helper, returned by one or appended to another stands for the text it holds there.
        if ((operation is ILocalReferenceOperation or IParameterReferenceOperation or IObjectCreationOperation
                || (operation is IInvocationOperation call && call.TargetMethod.ContainingType.InheritsFromOrEquals(types.StringBuilder)))
            && operation.Type.InheritsFromOrEquals(types.StringBuilder))
        {
            return EvaluateStringBuilder(operation, operation.Syntax.SpanStart, bindings, next);
        }

        switch (operation)
        {
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, bindings, next);
            case ICoalesceAssignmentOperation lazy:
                // `sql ??= Build()`: the member's earlier value or the new one.
                return SqlValue.Either(new[] { Evaluate(lazy.Target, bindings, next), Evaluate(lazy.Value, bindings, next) });
            case IInterpolatedStringOperation interpolated:
                return SqlValue.Concat(interpolated.Parts.Select(part => part switch
                {
                    IInterpolatedStringTextOperation text => Evaluate(text.Text, bindings, next),
                    IInterpolationOperation hole => Evaluate(hole.Expression, bindings, next),
                    IInterpolatedStringAppendOperation { AppendCall: IInvocationOperation { Arguments.Length: > 0 } append } => Evaluate(append.Arguments[0].Value, bindings, next),
                    _ => SqlValue.Safe,
                }).ToArray());
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary:
                return SqlValue.Concat(new[] { Evaluate(binary.LeftOperand, bindings, next), Evaluate(binary.RightOperand, bindings, next) });
            case IConditionalOperation conditional:
                return SqlValue.Either(new[] { Evaluate(conditional.WhenTrue, bindings, next), Evaluate(conditional.WhenFalse, bindings, next) });
            case ICoalesceOperation coalesce:
                return SqlValue.Either(new[] { Evaluate(coalesce.Value, bindings, next), Evaluate(coalesce.WhenNull, bindings, next) });
            case ISwitchExpressionOperation switchExpression:
                return SqlValue.Either(switchExpression.Arms.Select(arm => Evaluate(arm.Value, bindings, next)).ToArray());
            case IAwaitOperation awaited:
                return Evaluate(awaited.Operation, bindings, next);
            case INameOfOperation:
            case ITypeOfOperation:
                return SqlValue.Safe;
            case IArrayElementReferenceOperation element:
                return Evaluate(element.ArrayReference, bindings, next);
            case ILocalReferenceOperation or IParameterReferenceOperation when identifierGuards.IsValidated(operation):
            case IPropertyReferenceOperation or IInvocationOperation when identifierGuards.IsFixedLookup(operation):
                return SqlValue.Safe;
            case ILocalReferenceOperation local:
                return EvaluateLocal(local, bindings, next);
            case IParameterReferenceOperation parameter:
                return EvaluateParameter(parameter, bindings, next);
            case IInvocationOperation invocation:
                return EvaluateInvocation(invocation, bindings, next);
            case IFieldReferenceOperation field:
                return EvaluateMember(field, field.Field, field.Instance, bindings, next);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance.Type.SpecialType: SpecialType.System_String } characters:
                return Evaluate(characters.Instance, bindings, next);
            case IPropertyReferenceOperation property:
                return EvaluateMember(property, property.Property, property.Instance, bindings, next);
            case IDefaultValueOperation:
                return SqlValue.Safe;
            default:
                return SqlValue.Tainted(new SqlTaint("expression '" + Shorten(operation.Syntax.ToString()) + "'", null, SqlConfidence.Unknown));
        }
    }

    private SqlValue EvaluateLocal(ILocalReferenceOperation reference, Bindings? bindings, int depth)
    {
        if (!activeReferences.Add(reference))
        {
            return SqlValue.Safe;
        }

        try
        {
            var local = reference.Local;
            var root = Root(reference);
            var use = reference.Syntax.SpanStart;
            var writes = new List<(int Start, int Length, bool Append, IOperation Value)>();
            foreach (var candidate in root.Descendants())
            {
                switch (candidate)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.GetVariableInitializer()?.Value is { } initial)
                        {
                            writes.Add((declarator.Syntax.SpanStart, declarator.Syntax.Span.Length, false, initial));
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        writes.Add((assignment.Syntax.SpanStart, assignment.Syntax.Span.Length, false, assignment.Value));
                        break;
                    case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target } compound when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        writes.Add((compound.Syntax.SpanStart, compound.Syntax.Span.Length, true, compound.Value));
                        break;
                }
            }

            // The value at the use: the last plain write before it, then every += after that write.
            var before = writes.Where(w => w.Start + w.Length <= use).OrderBy(w => w.Start).ToList();
            var last = before.FindLastIndex(w => !w.Append);
            if (last < 0)
            {
                if (writes.Any(w => !w.Append && w.Start <= use && use < w.Start + w.Length))
                {
                    // `var sql = sql + …` only occurs in code being typed.
                    return SqlValue.Safe;
                }

                return writes.Count == 0 && IsForEachVariable(root, local, out var collection)
                    ? Evaluate(collection, bindings, depth)
                    : SqlValue.Tainted(new SqlTaint("local '" + local.Name + "'", null, SqlConfidence.Unknown));
            }

            var values = new List<SqlValue> { Evaluate(before[last].Value, bindings, depth) };
            for (var i = last + 1; i < before.Count; i++)
            {
                values.Add(Evaluate(before[i].Value, bindings, depth));
            }

            return values.Count == 1 ? values[0] : SqlValue.Concat(values);
        }
        finally
        {
            activeReferences.Remove(reference);
        }
    }

    private static bool IsForEachVariable(IOperation root, ILocalSymbol local, out IOperation? collection)
    {
        foreach (var loop in root.Descendants().OfType<IForEachLoopOperation>())
        {
            if (loop.Locals.Contains(local, SymbolEqualityComparer.Default))
            {
                collection = loop.Collection;
                return true;
            }
        }

        collection = null;
        return false;
    }

    private SqlValue EvaluateParameter(IParameterReferenceOperation reference, Bindings? bindings, int depth)
    {
        var parameter = reference.Parameter;
        if (bindings?.Find(parameter) is { } argument)
        {
            return Evaluate(argument, bindings.Parent, depth);
        }

        var name = "parameter '" + parameter.Name + "'";
        switch (parameter.ContainingSymbol)
        {
            case IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambdaSymbol:
                var lambda = SqlTextEvaluator.Ancestors(reference).OfType<IAnonymousFunctionOperation>()
                    .FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.Symbol, lambdaSymbol));
                if (lambda is not null && types.Routes.MapCallOf(lambda) is { } map)
                {
                    return SqlValue.Tainted(new SqlTaint(name, "request data", SqlConfidence.RequestData, types.Routes.ForMapCall(map)));
                }

                return SqlValue.Tainted(new SqlTaint(name, null, SqlConfidence.Unknown));
            case IMethodSymbol method when types.Routes.IsControllerAction(method):
                return SqlValue.Tainted(new SqlTaint(name, "request data", SqlConfidence.RequestData, types.Routes.ForAction(method)));
            case IMethodSymbol { MethodKind: MethodKind.PropertySet } when memberWriteLevels > 0:
                // `set => table = value`: set from outside the type, like an auto-property nobody in it writes.
                return SqlValue.Tainted(new SqlTaint(name, null, SqlConfidence.ConfiguredMember));
            case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor when memberWriteLevels > 0:
                // A field set from a constructor parameter: its creations say what it holds; unseen ones (DI) keep the field's band.
                return EvaluateCallSites(constructor, parameter, depth) ?? SqlValue.Tainted(new SqlTaint(name, null, SqlConfidence.ConfiguredMember));
            case IMethodSymbol method when IsEffectivelyPublic(method):
                // Anyone may call a public method; its callers here can only show the text is worse (request data).
                return Worse(EvaluateCallSites(method, parameter, depth), new SqlTaint(name, null, SqlConfidence.PublicParameter));
            case IMethodSymbol method when IsClosed(method):
                return EvaluateCallSites(method, parameter, depth) ?? SqlValue.Tainted(new SqlTaint(name, null, SqlConfidence.Unknown));
            case IMethodSymbol method:
                return Worse(EvaluateCallSites(method, parameter, depth), new SqlTaint(name, null, SqlConfidence.Unknown));
            default:
                return SqlValue.Tainted(new SqlTaint(name, null, SqlConfidence.Unknown));
        }
    }

    /// <summary>The callers' value when it is more dangerous than <paramref name="floor"/>, else <paramref name="floor"/>.</summary>
    private static SqlValue Worse(SqlValue? callers, SqlTaint floor)
        => callers?.WorstTaint is { } taint && taint.Confidence > floor.Confidence ? callers : SqlValue.Tainted(floor);

    /// <summary>Only this compilation can call it, so its call sites are all there is.</summary>
    private static bool IsClosed(IMethodSymbol method)
        => method.MethodKind == MethodKind.LocalFunction
            || method.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal;

    /// <summary>
    /// The arguments the call sites pass for <paramref name="parameter"/> — in the containing type for a private method,
    /// anywhere in the compilation otherwise, also through the interface or base method it implements; null when none
    /// is found or the search was cut short before finding a dangerous one.
    /// </summary>
    private SqlValue? EvaluateCallSites(IMethodSymbol method, IParameterSymbol parameter, int depth)
    {
        method = method.OriginalDefinition;
        if (methodLevels >= MaxMethodLevels || !activeMethods.Add(method))
        {
            return null;
        }

        methodLevels++;
        try
        {
            var targets = CallTargets(method);
            var local = method.DeclaredAccessibility == Accessibility.Private || method.MethodKind == MethodKind.LocalFunction;
            var candidates = local
                ? method.ContainingType.DeclaringSyntaxReferences.SelectMany(r => r.GetSyntax(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                    .Where(call => NameMatches(call.Expression, method.Name))
                : SqlCallSites.Candidates(types.Compilation, targets, cancellationToken);
            var values = new List<SqlValue>();
            var complete = true;
            foreach (var candidate in candidates)
            {
                // The calls within one type are as many as the type is long; the compilation's are bounded.
                if (!local && callSitesLeft-- <= 0)
                {
                    complete = false;
                    break;
                }

                var (target, arguments) = ModelFor(candidate.SyntaxTree)?.GetOperation(candidate, cancellationToken) switch
                {
                    IInvocationOperation invocation => (invocation.TargetMethod, invocation.Arguments),
                    IObjectCreationOperation { Constructor: { } constructor } creation => (constructor, creation.Arguments),
                    _ => (null, ImmutableArray<IArgumentOperation>.Empty),
                };
                if (target is null || !targets.Contains(target.OriginalDefinition))
                {
                    continue;
                }

                var argument = arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal);
                if (argument is not null)
                {
                    values.Add(Evaluate(argument.Value, null, depth));
                }
            }

            return values.Count == 0 || (!complete && !values.Any(v => v.IsTainted)) ? null : SqlValue.Either(values);
        }
        finally
        {
            methodLevels--;
            activeMethods.Remove(method);
        }
    }

    /// <summary>The method and the interface and base methods it implements: a call to any of them may run it.</summary>
    private static HashSet<IMethodSymbol> CallTargets(IMethodSymbol method)
    {
        var targets = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            targets.Add(overridden.OriginalDefinition);
        }

        if (method.MethodKind is MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation && method.ContainingType is { } type)
        {
            foreach (var implemented in method.ExplicitInterfaceImplementations)
            {
                targets.Add(implemented.OriginalDefinition);
            }

            foreach (var contract in type.AllInterfaces)
            {
                foreach (var member in contract.GetMembers(method.Name).OfType<IMethodSymbol>())
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                    {
                        targets.Add(member.OriginalDefinition);
                    }
                }
            }
        }

        return targets;
    }

    private SqlValue EvaluateInvocation(IInvocationOperation invocation, Bindings? bindings, int depth)
    {
        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (containing?.SpecialType == SpecialType.System_String && method.IsStatic)
        {
            switch (method.Name)
            {
                case "Concat":
                    return SqlValue.Concat(ArgumentValues(invocation).Select(a => Evaluate(a, bindings, depth)).ToArray());
                case "Format":
                    return EvaluateFormat(invocation, bindings, depth);
                case "Join":
                    return SqlValue.Concat(ArgumentValues(invocation)
                        .Select(a => types.IsNonInjectable(ElementType(a)) ? SqlValue.Safe : Evaluate(a, bindings, depth))
                        .ToArray());
            }
        }

        if (method.Name == "ToString" && invocation.Instance is { } receiver)
        {
            if (types.IsNonInjectable(receiver.Type))
            {
                return SqlValue.Safe;
            }

            if (receiver.Type.InheritsFromOrEquals(types.StringBuilder))
            {
                return EvaluateStringBuilder(receiver, invocation.Syntax.SpanStart, bindings, depth);
            }

            return Evaluate(receiver, bindings, depth);
        }

        if (EvaluateIdentifierQuoting(invocation, bindings, depth) is { } quoted)
        {
            return quoted;
        }

        if (containing?.SpecialType == SpecialType.System_String && !method.IsStatic && TextPreservingStringMethods.Contains(method.Name))
        {
            var value = Evaluate(invocation.Instance, bindings, depth);
            return value.IsTainted ? value : SqlValue.Safe;
        }

        if (IsReflectionName(invocation.Instance, method))
        {
            return SqlValue.Tainted(new SqlTaint("reflection '" + Shorten(invocation.Syntax.ToString()) + "'", null, SqlConfidence.ConfiguredMember));
        }

        if (containing.IsOrImplements(types.Configuration) || invocation.Instance?.Type.IsOrImplements(types.Configuration) == true
            || (method.IsExtensionMethod && invocation.Arguments.Length > 0 && invocation.Arguments[0].Value.Type.IsOrImplements(types.Configuration)))
        {
            return SqlValue.Tainted(new SqlTaint("configuration '" + Shorten(invocation.Syntax.ToString()) + "'", null, SqlConfidence.ConfiguredMember));
        }

        if (RootsInRequest(invocation.Instance))
        {
            return SqlValue.Tainted(new SqlTaint("HttpRequest." + RequestMember(invocation.Instance), "request data", SqlConfidence.RequestData));
        }

        return EvaluateHelper(invocation, bindings, depth)
            ?? SqlValue.Tainted(new SqlTaint("return value of '" + (containing?.Name is { Length: > 0 } type ? type + "." : string.Empty) + method.Name + "'", null, SqlConfidence.Unknown));
    }

    /// <summary><c>x.Replace("]", "]]")</c> or a provider's <c>QuoteIdentifier(x)</c>: x's text, marked as quoted; null for other calls.</summary>
    private SqlValue? EvaluateIdentifierQuoting(IInvocationOperation invocation, Bindings? bindings, int depth)
    {
        var method = invocation.TargetMethod;
        IOperation? quotedText;
        string? quoting;
        if (method.ContainingType?.SpecialType == SpecialType.System_String && method.Name == "Replace" && invocation.Arguments.Length == 2
            && SqlIdentifierQuoting.OfReplace(invocation.Arguments[0].Value.ConstantValue.Value, invocation.Arguments[1].Value.ConstantValue.Value) is { } doubled)
        {
            (quotedText, quoting) = (invocation.Instance, doubled);
        }
        else if (identifierGuards.QuotedByProvider(invocation) is { } argument)
        {
            (quotedText, quoting) = (argument, SqlIdentifierQuoting.Provider);
        }
        else
        {
            return null;
        }

        var value = Evaluate(quotedText, bindings, depth);
        return value.IsTainted
            ? new SqlValue(value.Parts.Select(p => p.Taint is { } taint ? SqlPart.Tainted(taint.QuotedWith(quoting)) : p).ToImmutableArray(), value.Built)
            : SqlValue.Safe;
    }

    /// <summary>
    /// A method of this compilation — or the one implementation of an interface or abstract method — : the values it
    /// returns, with its parameters bound to this call's arguments.
    /// </summary>
    private SqlValue? EvaluateHelper(IInvocationOperation invocation, Bindings? bindings, int depth)
    {
        var method = invocation.TargetMethod.OriginalDefinition;
        if (types.Implementations.Of(method, cancellationToken) is { } implementation)
        {
            method = implementation;
        }

        return EvaluateReturns(method, new Bindings(invocation.Arguments, method, bindings), depth);
    }

    /// <summary>The values a method or property getter with source returns; null when it has none to read.</summary>
    private SqlValue? EvaluateReturns(IMethodSymbol method, Bindings? callBindings, int depth)
    {
        if (activeMethods.Contains(method))
        {
            // A recursive call adds nothing its other returns do not already show.
            return SqlValue.Safe;
        }

        if (methodLevels >= MaxMethodLevels || method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.Length == 0)
        {
            return null;
        }

        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (ModelFor(syntax.SyntaxTree)?.GetOperation(syntax, cancellationToken) is not { } body || !activeMethods.Add(method))
        {
            return null;
        }

        methodLevels++;
        try
        {
            var returns = body.Descendants().OfType<IReturnOperation>()
                .Where(r => r.ReturnedValue is not null && BelongsTo(r, body))
                .Select(r => Evaluate(r.ReturnedValue, callBindings, depth))
                .ToArray();
            return returns.Length == 0 ? null : SqlValue.Either(returns);
        }
        finally
        {
            methodLevels--;
            activeMethods.Remove(method);
        }
    }

    private SqlValue EvaluateFormat(IInvocationOperation invocation, Bindings? bindings, int depth)
    {
        var arguments = invocation.Arguments.Where(a => a.Parameter?.Type.Name != "IFormatProvider").ToList();
        if (arguments.Count == 0)
        {
            return SqlValue.Safe;
        }

        var format = Evaluate(arguments[0].Value, bindings, depth);
        var values = ArgumentValues(arguments.Skip(1)).Select(a => Evaluate(a, bindings, depth)).ToList();
        if (format.Parts.Length != 1 || format.Parts[0].Text is not { } text)
        {
            return SqlValue.Concat(new[] { format }.Concat(values).ToArray());
        }

        // Split the constant format into text and holes, so identifier positions stay visible.
        var parts = new List<SqlValue>();
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            var close = c == '{' ? text.IndexOf('}', i) : -1;
            if (close < 0)
            {
                literal.Append(c);
                continue;
            }

            var spec = text.Substring(i + 1, close - i - 1);
            var digits = new string(spec.TakeWhile(char.IsDigit).ToArray());
            parts.Add(SqlValue.Constant(literal.ToString()));
            literal.Clear();
            parts.Add(int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < values.Count ? values[index] : SqlValue.Safe);
            i = close;
        }

        parts.Add(SqlValue.Constant(literal.ToString()));
        return SqlValue.Concat(parts);
    }

    /// <summary>The text a StringBuilder holds at <paramref name="use"/>: its constructor argument and the appends before.</summary>
    private SqlValue EvaluateStringBuilder(IOperation builder, int use, Bindings? bindings, int depth)
    {
        var calls = new List<IInvocationOperation>();
        var current = builder;
        while (current is IInvocationOperation chained && chained.Instance is not null && chained.TargetMethod.ContainingType.InheritsFromOrEquals(types.StringBuilder))
        {
            calls.Add(chained);
            current = chained.Instance;
        }

        IOperation? creation = current;
        SqlValue? received = null;
        if (current is ILocalReferenceOperation local)
        {
            creation = Root(local).Descendants().OfType<IVariableDeclaratorOperation>()
                .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.GetVariableInitializer()?.Value;
        }
        else if (current is IParameterReferenceOperation parameter)
        {
            // A builder a helper receives (`ToSql(this StringBuilder sb)`) holds what the caller appended before the call.
            creation = null;
            received = EvaluateParameter(parameter, bindings, depth);
        }
        else if (current is not IObjectCreationOperation)
        {
            // A builder a helper returns (`Start(x).Append("'")`): what it holds, then this chain's appends.
            creation = null;
            received = Evaluate(current, bindings, depth);
        }

        if (current is ILocalReferenceOperation or IParameterReferenceOperation)
        {
            calls.AddRange(Root(current).Descendants().OfType<IInvocationOperation>()
                .Where(i => i.Syntax.Span.End <= use && SameVariable(ChainRoot(i), current)));
        }

        while (creation is IConversionOperation conversion)
        {
            creation = conversion.Operand;
        }

        if (received is not null && calls.Count == 0)
        {
            // Passed along unchanged: judged where it was built.
            return received;
        }

        var values = new List<SqlValue>();
        if (received is not null)
        {
            values.Add(received);
        }

        if (creation is IObjectCreationOperation created)
        {
            values.AddRange(created.Arguments.Where(a => a.Value.Type?.SpecialType == SpecialType.System_String).Select(a => Evaluate(a.Value, bindings, depth)));
        }

        foreach (var call in calls.Distinct().OrderBy(c => c.Syntax.SpanStart).ThenBy(c => c.Syntax.Span.Length))
        {
            switch (call.TargetMethod.Name)
            {
                case "Append":
                case "AppendLine":
                case "AppendJoin":
                    values.AddRange(call.Arguments.Select(a => Evaluate(a.Value, bindings, depth)));
                    break;
                case "Insert" when call.Arguments.Length >= 2:
                    // Insert(0, x) prepends; other positions are unknown, so the text goes last.
                    var inserted = Evaluate(call.Arguments[1].Value, bindings, depth);
                    values.Insert(call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 } ? 0 : values.Count, inserted);
                    break;
                case "AppendFormat":
                    values.Add(EvaluateFormat(call, bindings, depth));
                    break;
                case "Clear":
                    values.Clear();
                    break;
            }
        }

        return SqlValue.Concat(values);
    }

    private SqlValue EvaluateMember(IOperation reference, ISymbol member, IOperation? instance, Bindings? bindings, int depth)
    {
        if (RootsInRequest(reference))
        {
            return SqlValue.Tainted(new SqlTaint("HttpRequest." + RequestMember(reference), "request data", SqlConfidence.RequestData));
        }

        if (instance?.Type.IsOrImplements(types.Configuration) == true || member.ContainingType.IsOrImplements(types.Configuration))
        {
            return SqlValue.Tainted(new SqlTaint("configuration '" + Shorten(reference.Syntax.ToString()) + "'", null, SqlConfidence.ConfiguredMember));
        }

        if (IsReflectionName(instance, member))
        {
            return SqlValue.Tainted(new SqlTaint("reflection '" + Shorten(reference.Syntax.ToString()) + "'", null, SqlConfidence.ConfiguredMember));
        }

        var kind = member is IFieldSymbol ? "field" : "property";

        // A property of a parameter (a bound request model, say) is as dangerous as the parameter.
        if (instance is not null and not IInstanceReferenceOperation)
        {
            var owner = Evaluate(instance, bindings, depth);
            if (owner.WorstTaint is { Confidence: >= SqlConfidence.PublicParameter } taint)
            {
                return SqlValue.Tainted(new SqlTaint(kind + " '" + member.Name + "' of " + taint.Description, taint.Qualifier, taint.Confidence, taint.Route));
            }
        }

        // SQL kept in a computed property (`Sql => $"…"`, `sql ??= …`) is what its getter returns; a value of the
        // member's own band (configuration, a field set from outside) keeps the property's name.
        if (member is IPropertySymbol { GetMethod: { } getter } computed && !IsAutoProperty(computed)
            && EvaluateReturns(getter.OriginalDefinition, null, depth) is { } returned
            && (returned.Built || returned.WorstTaint is not { Confidence: <= SqlConfidence.ConfiguredMember }))
        {
            return returned;
        }

        // Members written only with constants are constants in all but name; members written from a parameter or
        // request data carry their source's band, while configuration and unseen creators keep the member's own.
        if (member.ContainingType is { } type && EvaluateMemberWrites(type, member, depth) is { } written)
        {
            if (!written.IsTainted)
            {
                return SqlValue.Safe;
            }

            if (written.WorstTaint!.Confidence > SqlConfidence.ConfiguredMember)
            {
                return written;
            }
        }

        return SqlValue.Tainted(new SqlTaint(kind + " '" + member.Name + "'", null, SqlConfidence.ConfiguredMember));
    }

    /// <summary>Every value the type writes to the member; null when a write is not a plain one or there is none.</summary>
    private SqlValue? EvaluateMemberWrites(INamedTypeSymbol type, ISymbol member, int depth)
    {
        if (member is IPropertySymbol property && !IsAutoProperty(property))
        {
            return null;
        }

        if (!activeMembers.Add(member))
        {
            // A write that reads the member itself adds nothing its other writes do not show.
            return SqlValue.Safe;
        }

        memberWriteLevels++;
        try
        {
            // At the sink's depth: a cut-off evaluates to safe, and a field's source may be several calls away.
            return EvaluateMemberWritesIn(type, member, depth);
        }
        finally
        {
            memberWriteLevels--;
            activeMembers.Remove(member);
        }
    }

    private SqlValue? EvaluateMemberWritesIn(INamedTypeSymbol type, ISymbol member, int depth)
    {
        var values = new List<SqlValue>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(cancellationToken);
            var memberModel = ModelFor(node.SyntaxTree);
            if (memberModel is null)
            {
                return null;
            }

            foreach (var candidate in node.DescendantNodes())
            {
                IOperation? value = null;
                switch (candidate)
                {
                    case VariableDeclaratorSyntax { Initializer: { } initializer, Parent.Parent: FieldDeclarationSyntax } declarator when declarator.Identifier.ValueText == member.Name && member is IFieldSymbol:
                        value = memberModel.GetOperation(initializer.Value, cancellationToken);
                        break;
                    case PropertyDeclarationSyntax { Initializer: { } initializer } declaration when declaration.Identifier.ValueText == member.Name:
                        value = memberModel.GetOperation(initializer.Value, cancellationToken);
                        break;
                    case AssignmentExpressionSyntax assignment when NameMatches(assignment.Left, member.Name):
                        if (memberModel.GetOperation(assignment, cancellationToken) is IAssignmentOperation operation
                            && (operation.Target as IMemberReferenceOperation)?.Member is { } target
                            && SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, member.OriginalDefinition))
                        {
                            if (operation is not (ISimpleAssignmentOperation or ICoalesceAssignmentOperation))
                            {
                                return null;
                            }

                            value = operation.Value;
                        }

                        break;
                }

                if (value is not null)
                {
                    values.Add(Evaluate(value, null, depth));
                }
            }
        }

        return values.Count == 0 ? null : SqlValue.Either(values);
    }

    private static bool IsAutoProperty(IPropertySymbol property)
        => property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

    private bool IsReflectionName(IOperation? instance, ISymbol member)
        => member.Name is "Name" or "FullName" or "Namespace"
            && (member.ContainingType.InheritsFromOrEquals(types.SystemType) || member.ContainingType.InheritsFromOrEquals(types.MemberInfo)
                || instance?.Type.InheritsFromOrEquals(types.MemberInfo) == true);

    private bool RootsInRequest(IOperation? operation)
    {
        // Bounded: in broken code a local's initializer can name the local itself.
        var steps = 0;
        for (var current = operation; current is not null && steps++ < MaxDepth;)
        {
            if (current.Type.InheritsFromOrEquals(types.HttpRequest))
            {
                return true;
            }

            current = current switch
            {
                IPropertyReferenceOperation property => property.Instance,
                IFieldReferenceOperation field => field.Instance,
                IInvocationOperation invocation => invocation.Instance ?? (invocation.Arguments.Length > 0 && invocation.TargetMethod.IsExtensionMethod ? invocation.Arguments[0].Value : null),
                IConversionOperation conversion => conversion.Operand,
                IAwaitOperation awaited => awaited.Operation,

                // new StreamReader(Request.Body), and a local holding it.
                IObjectCreationOperation creation => creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null,
                ILocalReferenceOperation local => Root(local).Descendants().OfType<IVariableDeclaratorOperation>()
                    .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.GetVariableInitializer()?.Value,
                _ => null,
            };
        }

        return false;
    }

    private string RequestMember(IOperation? operation)
    {
        string? member = null;
        var steps = 0;
        for (var current = operation; current is not null && steps++ < MaxDepth && !current.Type.InheritsFromOrEquals(types.HttpRequest);)
        {
            switch (current)
            {
                case IPropertyReferenceOperation property:
                    if (!property.Property.IsIndexer)
                    {
                        member = property.Property.Name;
                    }

                    current = property.Instance;
                    break;
                case IInvocationOperation invocation:
                    current = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                    break;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IFieldReferenceOperation field:
                    current = field.Instance;
                    break;
                case IAwaitOperation awaited:
                    current = awaited.Operation;
                    break;
                case IObjectCreationOperation creation:
                    current = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
                    break;
                case ILocalReferenceOperation local:
                    current = Root(local).Descendants().OfType<IVariableDeclaratorOperation>()
                        .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.GetVariableInitializer()?.Value;
                    break;
                default:
                    current = null;
                    break;
            }
        }

        return member ?? "Body";
    }

    private SemanticModel? ModelFor(SyntaxTree tree)
    {
        if (tree == model.SyntaxTree)
        {
            return model;
        }

#pragma warning disable RS1030 // Helpers and call sites in other files of the same compilation need their model; only on demand.
        return types.Compilation.ContainsSyntaxTree(tree) ? types.Compilation.GetSemanticModel(tree) : null;
#pragma warning restore RS1030
    }

    private static IEnumerable<IOperation> ArgumentValues(IInvocationOperation invocation) => ArgumentValues(invocation.Arguments);

    /// <summary>Argument values with <c>params</c> arrays flattened.</summary>
    private static IEnumerable<IOperation> ArgumentValues(IEnumerable<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    yield return element;
                }
            }
            else if (argument.ArgumentKind == ParamCollection)
            {
                // params ReadOnlySpan<T> (newer than this Roslyn's API): the elements are its children.
                foreach (var element in argument.Value.ChildOperations)
                {
                    yield return element;
                }
            }
            else if (argument.Value is IArrayCreationOperation { Initializer: { } explicitArray })
            {
                foreach (var element in explicitArray.ElementValues)
                {
                    yield return element;
                }
            }
            else
            {
                yield return argument.Value;
            }
        }
    }

    /// <summary>The element type of an array or sequence argument (<c>string.Join(",", ids)</c>), else null.</summary>
    private static ITypeSymbol? ElementType(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation.Type switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol named => named.AllInterfaces.Add(named)
                .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)?.TypeArguments[0],
            _ => null,
        };
    }

    private static IOperation? ChainRoot(IInvocationOperation invocation)
    {
        IOperation? current = invocation;
        while (current is IInvocationOperation call)
        {
            current = call.Instance;
        }

        return current;
    }

    private static bool SameVariable(IOperation? operation, IOperation variable) => (operation, variable) switch
    {
        (ILocalReferenceOperation a, ILocalReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Local, b.Local),
        (IParameterReferenceOperation a, IParameterReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Parameter, b.Parameter),
        _ => false,
    };

    private static bool BelongsTo(IOperation operation, IOperation body)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current == body)
            {
                return true;
            }

            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return false;
    }

    private static bool NameMatches(ExpressionSyntax expression, string name) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        GenericNameSyntax generic => generic.Identifier.ValueText == name,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == name,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText == name,
        _ => false,
    };

    private static bool IsEffectivelyPublic(IMethodSymbol method)
    {
        if (method.DeclaredAccessibility != Accessibility.Public)
        {
            return false;
        }

        // Internal types count: most application classes are internal, and their public methods are their API.
        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }

    internal static IEnumerable<IOperation> Ancestors(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            yield return current;
        }
    }

    internal static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", " ").Replace("\n", " ");
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }

    /// <summary>
    /// A helper's parameters bound to the arguments of the call being evaluated. The helper may be the implementation
    /// of the interface method called, so parameters match by position.
    /// </summary>
    private sealed class Bindings
    {
        private readonly ImmutableArray<IArgumentOperation> arguments;
        private readonly IMethodSymbol method;

        public Bindings(ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method, Bindings? parent)
        {
            this.arguments = arguments;
            this.method = method;
            Parent = parent;
        }

        public Bindings? Parent { get; }

        public IOperation? Find(IParameterSymbol parameter)
        {
            if (!SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, method))
            {
                return null;
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } bound && bound.Ordinal == parameter.Ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }
    }
}
