using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Aegis.Analyzers.Infrastructure;
using Aegis.Analyzers.Options;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Aegis.Analyzers.Secrets;

/// <summary>
/// AEG002: secrets written into the source. Every string constant is examined once, at its outermost constant
/// expression: known token formats anywhere, connection strings and Authorization header values anywhere, and
/// any value in a member, local or parameter whose name says it holds a secret.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HardcodedSecretAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Below this length the message shows no prefix at all.</summary>
    private const int PrefixMinimumLength = 12;

    /// <summary>No known format is shorter (an AWS access key ID has 20 characters).</summary>
    private const int ShortestKnownFormat = 20;

    /// <summary>Known token formats whose value has less entropy than this are fake (<c>ghp_aaaa…</c>).</summary>
    private const double FormatMinimumEntropy = 3.0;

    /// <summary>Parameter names of general-purpose methods: they say nothing about what the configuration key should be.</summary>
    private static readonly HashSet<string> GeneralParameterNames = new(StringComparer.Ordinal) { "value", "text", "input", "s", "str", "arg", "content", "item", "obj", "parameter" };

    /// <summary>The only characters that match the first letter of <c>Basic</c> and <c>Bearer</c> ignoring case.</summary>
    private static readonly char[] SchemeInitials = { 'b', 'B' };

    /// <summary>Parameters whose constant argument names the value passed next to it.</summary>
    private static readonly HashSet<string> KeyParameterNames = new(StringComparer.Ordinal) { "key", "name", "variable", "headerName", "propertyName" };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticRules.HardcodedSecret);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.For(start.Compilation);
            var analyzer = new CompilationAnalyzer(
                types.Get("Microsoft.Extensions.Configuration.IConfiguration"),
                types.Get("System.Text.Encoding"),
                types.Get("System.Convert"),
                TestProjects.IsTestProject(start.Compilation, start.Options));
            start.RegisterOperationAction(analyzer.AnalyzeLiteral, OperationKind.Literal);
            start.RegisterOperationAction(analyzer.AnalyzeArrayCreation, OperationKind.ArrayCreation);
        });
    }

    /// <summary>Where a constant ends up: the name that receives it, and how to describe that place.</summary>
    private sealed class Site
    {
        public static readonly Site Anonymous = new(null, "string literal", null, false);

        public Site(string? name, string description, string? scheme, bool isBytes, bool nameIsKey = false)
        {
            Name = name;
            Description = description;
            Scheme = scheme;
            IsBytes = isBytes;
            Classification = SecretNames.Classify(name);

            // A dictionary or header key names the value only when it says "secret" outright ("key" alone does not).
            if (nameIsKey && Classification.Strength == SecretNameStrength.Weak)
            {
                Classification = default;
            }
        }

        public string? Name { get; }

        public string Description { get; }

        /// <summary><c>Basic</c> or <c>Bearer</c> when a sibling argument names the authentication scheme.</summary>
        public string? Scheme { get; }

        /// <summary>The constant is turned into bytes (<c>Encoding.UTF8.GetBytes</c>, <c>Convert.FromBase64String</c>) first.</summary>
        public bool IsBytes { get; }

        public SecretName Classification { get; }
    }

    private sealed class Finding
    {
        public Finding(string kind, string displayName, string secret, int secretStart, double confidence, string severity, bool fromConnectionString = false)
        {
            SecretStart = secretStart;
            FromConnectionString = fromConnectionString;
            Kind = kind;
            DisplayName = displayName;
            Secret = secret;
            Confidence = confidence;
            Severity = severity;
        }

        public string Kind { get; }

        public string DisplayName { get; }

        /// <summary>The secret part of the value (never reported; only its length and, when long enough, a prefix).</summary>
        public string Secret { get; }

        /// <summary>Where <see cref="Secret"/> starts in the constant's value, so a fix can keep the rest of the text.</summary>
        public int SecretStart { get; }

        public double Confidence { get; }

        public string Severity { get; }

        public bool FromConnectionString { get; }
    }

    private readonly struct Settings
    {
        public Settings(double entropyThreshold, int minimumLength, IReadOnlyList<string> placeholders)
        {
            EntropyThreshold = entropyThreshold;
            MinimumLength = minimumLength;
            AdditionalPlaceholders = placeholders;
        }

        public double EntropyThreshold { get; }

        public int MinimumLength { get; }

        public IReadOnlyList<string> AdditionalPlaceholders { get; }

        public static Settings Read(AnalyzerOptions options, SyntaxTree tree) => new(
            AegisOptions.EntropyThreshold.GetValue(options, tree, RuleIdentifiers.HardcodedSecret),
            AegisOptions.MinimumSecretLength.GetValue(options, tree, RuleIdentifiers.HardcodedSecret),
            AegisOptions.AdditionalPlaceholders.GetValue(options, tree, RuleIdentifiers.HardcodedSecret));
    }

    private sealed class CompilationAnalyzer
    {
        private readonly INamedTypeSymbol? configurationType;
        private readonly INamedTypeSymbol? encodingType;
        private readonly INamedTypeSymbol? convertType;
        private readonly bool inTestProject;
        private readonly ConcurrentDictionary<SyntaxTree, Settings> settingsByTree = new();

        public CompilationAnalyzer(INamedTypeSymbol? configurationType, INamedTypeSymbol? encodingType, INamedTypeSymbol? convertType, bool inTestProject)
        {
            this.configurationType = configurationType;
            this.encodingType = encodingType;
            this.convertType = convertType;
            this.inTestProject = inTestProject;
        }

        public void AnalyzeLiteral(OperationAnalysisContext context)
        {
            var literal = (ILiteralOperation)context.Operation;
            if (literal.Type?.SpecialType != SpecialType.System_String || literal.ConstantValue.Value is not string)
            {
                return;
            }

            var root = ConstantRoot(literal);
            if (!IsFirstLiteral(root, literal) || root.ConstantValue.Value is not string value || IsShorterTrimmed(value, 4))
            {
                return;
            }

            var site = ResolveSite(root, context.ContainingSymbol);
            var finding = Evaluate(value, site, () => SettingsFor(context.Options, literal.Syntax.SyntaxTree));
            if (finding is not null)
            {
                Report(context, root.Syntax, site, finding, LengthText(finding.Secret));
            }
        }

        public void AnalyzeArrayCreation(OperationAnalysisContext context)
        {
            var creation = (IArrayCreationOperation)context.Operation;
            if (creation.Type is not IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte or SpecialType.System_SByte }
                || creation.Initializer is not { } initializer)
            {
                return;
            }

            var values = new List<long>();
            foreach (var element in initializer.ElementValues)
            {
                if (!element.ConstantValue.HasValue || element.ConstantValue.Value is null)
                {
                    return;
                }

                switch (element.ConstantValue.Value)
                {
                    case byte b: values.Add(b); break;
                    case sbyte sb: values.Add(sb); break;
                    case int i: values.Add(i); break;
                    case char c: values.Add(c); break;
                    default: return;
                }
            }

            var settings = SettingsFor(context.Options, creation.Syntax.SyntaxTree);
            if (values.Count < settings.MinimumLength || IsTrivial(values))
            {
                return;
            }

            var site = ResolveSite(creation, context.ContainingSymbol);
            if (site.Classification.Strength == SecretNameStrength.None)
            {
                return;
            }

            var finding = new Finding(site.Classification.Kind, site.Classification.DisplayName + " bytes", string.Empty, 0, 0.80, IncidentSeverities.Medium);
            Report(context, creation.Syntax, site, finding, values.Count.ToString(CultureInfo.InvariantCulture) + " bytes");
        }

        /// <summary>A tree's options, read once per tree rather than for every literal that may be a secret (each read builds three keys).</summary>
        private Settings SettingsFor(AnalyzerOptions options, SyntaxTree tree)
            => settingsByTree.TryGetValue(tree, out var settings) ? settings : settingsByTree.GetOrAdd(tree, Settings.Read(options, tree));

        private void Report(OperationAnalysisContext context, SyntaxNode node, Site site, Finding finding, string shape)
        {
            var reportedSeverity = DiagnosticRules.HardcodedSecret.DefaultSeverity;
            var incidentSeverity = finding.Severity;

            // Test passwords and test-host keys are test data; a live token or a private key is leaked wherever it
            // sits, so findings rated HIGH keep the rule's severity in test projects too.
            if (inTestProject && finding.Severity != IncidentSeverities.High)
            {
                if (AegisOptions.TestProjectSeverity.GetValue(context.Options, node.SyntaxTree, RuleIdentifiers.HardcodedSecret).ToDiagnosticSeverity() is not { } lowered)
                {
                    return;
                }

                reportedSeverity = lowered;
                incidentSeverity = IncidentSeverities.Low;
            }

            var constOnly = IsConstantOnlyContext(node);
            var type = EnclosingType(context.ContainingSymbol);
            var configurationMember = constOnly ? null : FindConfigurationMember(type);
            var remediation = constOnly
                ? RemediationStrategies.NeedsHumanReview
                : configurationMember is not null ? RemediationStrategies.ConfigurationLookup : RemediationStrategies.EnvironmentLookup;
            var verification = constOnly ? VerificationStrategies.ManualReview : VerificationStrategies.SecretAbsent;

            var siteName = site.Name is { Length: > 0 } name && !GeneralParameterNames.Contains(name) ? name : null;
            var memberName = siteName ?? SecretNames.ToPascal(finding.Kind);

            // The fix takes only the secret out of a connection string, so the lookup is named after that part
            // (WAREHOUSE_PASSWORD), not after the whole string it no longer holds.
            if (finding.FromConnectionString)
            {
                var owner = siteName is null ? "Default" : ConnectionStringName(siteName);
                memberName = (owner == "Default" ? string.Empty : owner) + finding.Kind switch
                {
                    "connection-string-account-key" => "AccountKey",
                    "connection-string-shared-access-key" => "SharedAccessKey",
                    _ => "Password",
                };
            }

            var configurationKey = site.Classification.IsConnectionString && !finding.FromConnectionString
                ? "ConnectionStrings:" + ConnectionStringName(siteName ?? "Default")
                : SecretNames.ConfigurationKey(type?.Name, memberName);

            var properties = new IncidentProperties(finding.Confidence, incidentSeverity, remediation, verification)
                .With(DiagnosticPropertyNames.SecretKind, finding.Kind)
                .With(DiagnosticPropertyNames.LookupStyle, configurationMember is not null ? "configuration" : "environment")
                .With(DiagnosticPropertyNames.ConfigurationKey, configurationKey)
                .With(DiagnosticPropertyNames.EnvironmentVariable, SecretNames.EnvironmentVariable(type?.Name, memberName))
                .With(DiagnosticPropertyNames.ConfigurationMember, configurationMember)
                .With(DiagnosticPropertyNames.SecretStart, finding.Secret.Length > 0 ? finding.SecretStart.ToString(CultureInfo.InvariantCulture) : null)
                .With(DiagnosticPropertyNames.SecretLength, finding.Secret.Length > 0 ? finding.Secret.Length.ToString(CultureInfo.InvariantCulture) : null)
                .With(DiagnosticPropertyNames.Context, inTestProject ? FindingContexts.TestProject : null)
                .ToImmutable();

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticRules.HardcodedSecret,
                node.GetLocation(),
                reportedSeverity,
                additionalLocations: null,
                properties,
                finding.DisplayName,
                site.Description,
                shape));
        }

        /// <summary>Known formats first (most specific); options are read only when another detector can apply.</summary>
        private static Finding? Evaluate(string value, Site site, Func<Settings> readSettings)
        {
            if (value.Length >= ShortestKnownFormat)
            {
                var known = KnownFormat(value, site, out var benign);
                if (known is not null || benign)
                {
                    return known;
                }
            }

            if (site.Classification.Strength == SecretNameStrength.None && site.Scheme is null && value.IndexOf('=') < 0 && !MentionsScheme(value))
            {
                return null;
            }

            var settings = readSettings();
            return ConnectionString(value, settings)
                ?? AuthorizationHeader(value, site, settings)
                ?? NamedSecret(value, site, settings);
        }

        /// <summary>
        /// The first known format in the value. <paramref name="benign"/> says a format matched but is a documented
        /// example, a public format or fake: then the literal is settled and no other detector looks at it.
        /// </summary>
        private static Finding? KnownFormat(string value, Site site, out bool benign)
        {
            benign = false;
            foreach (var publicFormat in SecretPatterns.PublicFormats)
            {
                if (publicFormat.Find(value) is not null)
                {
                    benign = true;
                    return null;
                }
            }

            var name = site.Classification;
            foreach (var pattern in SecretPatterns.All)
            {
                var applies = pattern.Context switch
                {
                    PatternContext.Aws => name.MentionsAws || value.IndexOf("aws", StringComparison.OrdinalIgnoreCase) >= 0,
                    PatternContext.KeyNamed => name.Strength != SecretNameStrength.None,
                    _ => true,
                };
                if (!applies || pattern.Find(value) is not { } match)
                {
                    continue;
                }

                var secret = pattern.Kind == "private-key" ? value : match.Value;
                var secretStart = pattern.Kind == "private-key" ? 0 : match.Index;
                if (SecretPatterns.IsDocumentedPublicValue(secret)
                    || (pattern.Kind != "private-key" && (TextSearch.ContainsAny(secret, Placeholders.FakeMarkers, StringComparison.OrdinalIgnoreCase) || Entropy.Shannon(secret) < FormatMinimumEntropy))
                    || (pattern.Context == PatternContext.Aws && !HasMixedCharacters(secret)))
                {
                    benign = true;
                    continue;
                }

                return new Finding(pattern.Kind, pattern.DisplayName, secret, secretStart, pattern.Confidence, pattern.Severity);
            }

            return null;
        }

        private static Finding? ConnectionString(string value, Settings settings)
        {
            if (value.IndexOf('=') < 0)
            {
                return null;
            }

            try
            {
                for (var match = SecretPatterns.ConnectionStringSecret.Match(value); match.Success; match = match.NextMatch())
                {
                    var group = match.Groups["secret"];
                    var trimmed = group.Value.Trim();
                    var secret = trimmed.Trim('\'', '"');
                    var secretStart = group.Index + LeadingWhitespace(group.Value) + (trimmed.Length - trimmed.TrimStart('\'', '"').Length);
                    if (Placeholders.IsPlaceholder(secret, settings.AdditionalPlaceholders) || Placeholders.IsFake(secret) || SecretPatterns.IsDocumentedPublicValue(secret))
                    {
                        continue;
                    }

                    var keyword = match.Groups["name"].Value.ToLowerInvariant();
                    return keyword switch
                    {
                        "accountkey" when secret.Length == 88 && secret.EndsWith("==", StringComparison.Ordinal)
                            => new Finding("azure-storage-key", "Azure storage account key", secret, secretStart, 0.95, IncidentSeverities.High, fromConnectionString: true),
                        "accountkey" => new Finding("connection-string-account-key", "connection string account key", secret, secretStart, 0.90, IncidentSeverities.High, fromConnectionString: true),
                        "sharedaccesskey" => new Finding("connection-string-shared-access-key", "connection string shared access key", secret, secretStart, 0.90, IncidentSeverities.High, fromConnectionString: true),
                        _ => new Finding("connection-string-password", "connection string password", secret, secretStart, 0.90, IncidentSeverities.Medium, fromConnectionString: true),
                    };
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                return null;
            }

            return null;
        }

        private static Finding? AuthorizationHeader(string value, Site site, Settings settings)
        {
            string scheme;
            string secret;
            int secretStart;
            if (SecretPatterns.Find(SecretPatterns.AuthorizationHeader, value) is { } match)
            {
                scheme = match.Groups["scheme"].Value;
                secret = match.Groups["secret"].Value;
                secretStart = match.Groups["secret"].Index;
            }
            else if (site.Scheme is not null && value.Trim().IndexOf(' ') < 0)
            {
                scheme = site.Scheme;
                secret = value.Trim();
                secretStart = LeadingWhitespace(value);
            }
            else
            {
                return null;
            }

            if (secret.Length < 8 || Placeholders.IsPlaceholder(secret, settings.AdditionalPlaceholders) || Placeholders.IsFake(secret))
            {
                return null;
            }

            return string.Equals(scheme, "Basic", StringComparison.OrdinalIgnoreCase)
                ? new Finding("basic-auth-credentials", "Basic authentication credentials", secret, secretStart, 0.90, IncidentSeverities.Medium)
                : new Finding("bearer-token", "bearer token", secret, secretStart, 0.90, IncidentSeverities.Medium);
        }

        private static Finding? NamedSecret(string value, Site site, Settings settings)
        {
            var name = site.Classification;
            if (name.Strength == SecretNameStrength.None || name.IsConnectionString)
            {
                return null;
            }

            var text = value.Trim();
            if (text.Length < settings.MinimumLength
                || Placeholders.IsPlaceholder(text, settings.AdditionalPlaceholders)
                || Placeholders.IsFake(text)
                || LooksLikeProseOrPath(text)
                || LooksLikeName(text))
            {
                return null;
            }

            var entropy = Entropy.Shannon(text);
            var highEntropy = entropy >= settings.EntropyThreshold;
            if (site.IsBytes)
            {
                return new Finding(name.Kind, name.DisplayName, text, LeadingWhitespace(value), highEntropy ? 0.85 : 0.80, IncidentSeverities.Medium);
            }

            // A member that merely ends in Key (LockKey, QueueKey) usually holds a resource name: "orders:pending".
            if (name.Strength == SecretNameStrength.Weak)
            {
                return highEntropy && text.Length >= Math.Max(16, settings.MinimumLength) && !ResourceNames.IsResourceName(text)
                    ? new Finding("high-entropy", "high-entropy string", text, LeadingWhitespace(value), 0.65, IncidentSeverities.Medium)
                    : null;
            }

            return new Finding(name.Kind, name.DisplayName, text, LeadingWhitespace(value), highEntropy ? 0.85 : 0.70, IncidentSeverities.Medium);
        }

        private static int LeadingWhitespace(string text) => text.Length - text.TrimStart().Length;

        /// <summary><c>text.Trim().Length &lt; length</c> without the copy: asked for every string literal.</summary>
        private static bool IsShorterTrimmed(string text, int length)
        {
            var start = 0;
            var end = text.Length - 1;
            while (start <= end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end >= start && char.IsWhiteSpace(text[end]))
            {
                end--;
            }

            return end - start + 1 < length;
        }

        /// <summary>
        /// Whether the text contains <c>Basic</c> or <c>Bearer</c> in any case. Most literals have no <c>b</c> at all:
        /// one search for it settles them, where two case-insensitive substring searches ran on every literal.
        /// </summary>
        private static bool MentionsScheme(string value)
        {
            for (var at = value.IndexOfAny(SchemeInitials); at >= 0; at = value.IndexOfAny(SchemeInitials, at + 1))
            {
                if (string.Compare(value, at, "Basic", 0, "Basic".Length, StringComparison.OrdinalIgnoreCase) == 0
                    || string.Compare(value, at, "Bearer", 0, "Bearer".Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>UI text (<c>"Enter your password"</c>, <c>"Password:"</c>), routes (<c>/reset</c>) and URLs.</summary>
        private static bool LooksLikeProseOrPath(string text)
        {
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    return true;
                }
            }

            return text.EndsWith(":", StringComparison.Ordinal)
                || text.StartsWith("/", StringComparison.Ordinal)
                || text.StartsWith("~/", StringComparison.Ordinal)
                || text.IndexOf("://", StringComparison.Ordinal) >= 0;
        }

        /// <summary>
        /// Names of secrets rather than secrets: letters and <c>_ - . :</c> only, with a secret word among its words
        /// (<c>access_token</c>, <c>X-Api-Key</c>, <c>Stripe:ApiKey</c>, <c>PasswordMismatch</c>).
        /// </summary>
        private static bool LooksLikeName(string text)
        {
            foreach (var c in text)
            {
                if (!char.IsLetter(c) && c is not ('_' or '-' or '.' or ':'))
                {
                    return false;
                }
            }

            return SecretNames.ContainsSecretTerm(text);
        }

        private static bool HasMixedCharacters(string text)
            => text.Any(char.IsUpper) && text.Any(char.IsLower) && text.Any(c => char.IsDigit(c) || c == '/' || c == '+');

        private static bool IsTrivial(List<long> values)
        {
            if (values.Distinct().Count() <= 2)
            {
                return true;
            }

            var ascending = true;
            for (var i = 1; i < values.Count; i++)
            {
                ascending &= values[i] == values[i - 1] + 1;
            }

            return ascending;
        }

        /// <summary>The outermost constant string expression the literal is part of (<c>"a" + "b"</c>, a constant interpolation).</summary>
        private static IOperation ConstantRoot(IOperation literal)
        {
            var current = literal;
            while (current.Parent is { } parent)
            {
                if (parent is IInterpolatedStringTextOperation && parent.Parent is IInterpolatedStringOperation { ConstantValue.Value: string } interpolation)
                {
                    current = interpolation;
                }
                else if (parent is IBinaryOperation or IInterpolatedStringOperation && parent.ConstantValue.Value is string)
                {
                    current = parent;
                }
                else
                {
                    break;
                }
            }

            return current;
        }

        /// <summary>A constant made of several literals is reported once, from its first literal.</summary>
        private static bool IsFirstLiteral(IOperation root, IOperation literal)
        {
            if (ReferenceEquals(root, literal))
            {
                return true;
            }

            var first = int.MaxValue;
            foreach (var descendant in root.Descendants())
            {
                if (descendant is ILiteralOperation { ConstantValue.Value: string } && descendant.Syntax.SpanStart < first)
                {
                    first = descendant.Syntax.SpanStart;
                }
            }

            return literal.Syntax.SpanStart == first;
        }

        private Site ResolveSite(IOperation start, ISymbol containingSymbol)
        {
            var node = start;
            var isBytes = false;
            while (node.Parent is { } parent)
            {
                switch (parent)
                {
                    case IConversionOperation:
                    case ICoalesceOperation coalesce when coalesce.WhenNull == node:
                    case IConditionalOperation conditional when conditional.WhenTrue == node || conditional.WhenFalse == node:
                        node = parent;
                        continue;

                    case IArgumentOperation argument:
                        if (!isBytes && argument.Parent is IInvocationOperation invocation && IsBytesConversion(invocation.TargetMethod))
                        {
                            node = invocation;
                            isBytes = true;
                            continue;
                        }

                        return ArgumentSite(argument, isBytes);

                    case ISimpleAssignmentOperation assignment when assignment.Value == node:
                        return TargetSite(assignment.Target, isBytes);

                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return new Site(declarator.Symbol.Name, "local '" + declarator.Symbol.Name + "'", null, isBytes);

                    case IFieldInitializerOperation fieldInitializer when fieldInitializer.InitializedFields.Length > 0:
                        return new Site(fieldInitializer.InitializedFields[0].Name, "field '" + fieldInitializer.InitializedFields[0].Name + "'", null, isBytes);

                    case IPropertyInitializerOperation propertyInitializer when propertyInitializer.InitializedProperties.Length > 0:
                        return new Site(propertyInitializer.InitializedProperties[0].Name, "property '" + propertyInitializer.InitializedProperties[0].Name + "'", null, isBytes);

                    case IParameterInitializerOperation parameterInitializer:
                        return new Site(parameterInitializer.Parameter.Name, "default value of parameter '" + parameterInitializer.Parameter.Name + "'", null, isBytes);

                    case IReturnOperation when containingSymbol is IMethodSymbol { AssociatedSymbol: IPropertySymbol property }:
                        return new Site(property.Name, "property '" + property.Name + "'", null, isBytes);

                    default:
                        return isBytes ? new Site(null, "byte conversion", null, true) : Site.Anonymous;
                }
            }

            return Site.Anonymous;
        }

        private static Site ArgumentSite(IArgumentOperation argument, bool isBytes)
        {
            if (argument.Parameter is not { } parameter)
            {
                return Site.Anonymous;
            }

            string? callee = null;
            var siblings = ImmutableArray<IArgumentOperation>.Empty;
            switch (argument.Parent)
            {
                case IObjectCreationOperation creation:
                    callee = creation.Constructor?.ContainingType.Name ?? creation.Type?.Name;
                    siblings = creation.Arguments;
                    break;
                case IInvocationOperation invocation:
                    callee = invocation.TargetMethod.Name;
                    siblings = invocation.Arguments;
                    break;
            }

            string? scheme = null;
            foreach (var sibling in siblings)
            {
                if (sibling != argument && sibling.Value.ConstantValue.Value is string text
                    && (string.Equals(text, "Basic", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "Bearer", StringComparison.OrdinalIgnoreCase)))
                {
                    scheme = text;
                }
            }

            var of = string.IsNullOrEmpty(callee) ? string.Empty : " of " + callee;
            if (SecretNames.Classify(parameter.Name).Strength == SecretNameStrength.None && KeyArgument(siblings, argument) is { } key)
            {
                return new Site(key, "value for '" + key + "'" + of, scheme, isBytes, nameIsKey: true);
            }

            // The text given for a lookup key (IConfiguration["Stripe:ApiKey"], dictionary and cache keys, header
            // names) names a value; it is not one. Byte arrays still count: HMACSHA256(byte[] key) takes the secret.
            if (!isBytes && parameter.Type.SpecialType is SpecialType.System_String or SpecialType.System_Object && KeyParameterNames.Contains(parameter.Name))
            {
                return new Site(null, "argument '" + parameter.Name + "'" + of, scheme, isBytes);
            }

            return new Site(parameter.Name, "argument '" + parameter.Name + "'" + of, scheme, isBytes);
        }

        /// <summary><c>headers.Add("X-Api-Key", value)</c>, <c>dictionary.Add("Password", value)</c>: the constant key names the value.</summary>
        private static string? KeyArgument(ImmutableArray<IArgumentOperation> siblings, IArgumentOperation argument)
        {
            foreach (var sibling in siblings)
            {
                if (sibling != argument && sibling.Parameter is { } parameter && KeyParameterNames.Contains(parameter.Name)
                    && sibling.Value.ConstantValue.Value is string key)
                {
                    return key;
                }
            }

            return null;
        }

        private static Site TargetSite(IOperation target, bool isBytes) => target switch
        {
            IFieldReferenceOperation field => new Site(field.Field.Name, "field '" + field.Field.Name + "'", null, isBytes),
            IPropertyReferenceOperation { Property.IsIndexer: false } property => new Site(property.Property.Name, "property '" + property.Property.Name + "'", null, isBytes),
            IPropertyReferenceOperation { Arguments.Length: 1 } indexer when indexer.Arguments[0].Value.ConstantValue.Value is string key
                => new Site(key, "value for '" + key + "'", null, isBytes, nameIsKey: true),
            ILocalReferenceOperation local => new Site(local.Local.Name, "local '" + local.Local.Name + "'", null, isBytes),
            IParameterReferenceOperation parameter => new Site(parameter.Parameter.Name, "parameter '" + parameter.Parameter.Name + "'", null, isBytes),
            _ => Site.Anonymous,
        };

        private bool IsBytesConversion(IMethodSymbol method)
            => (method.Name == "GetBytes" && method.ContainingType.InheritsFromOrEquals(encodingType))
                || ((method.Name == "FromBase64String" || method.Name == "FromHexString")
                    && SymbolEqualityComparer.Default.Equals(method.ContainingType, convertType));

        /// <summary>The field, property or primary-constructor parameter of the type that holds an <c>IConfiguration</c>.</summary>
        private string? FindConfigurationMember(INamedTypeSymbol? type)
        {
            if (type is null || configurationType is null)
            {
                return null;
            }

            foreach (var member in type.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                    IPropertySymbol { IsIndexer: false } property => property.Type,
                    _ => null,
                };
                if (memberType.IsOrImplements(configurationType))
                {
                    return member.Name;
                }
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (parameter.Type.IsOrImplements(configurationType) && IsPrimaryConstructor(constructor))
                    {
                        return parameter.Name;
                    }
                }
            }

            return null;
        }

        private static bool IsPrimaryConstructor(IMethodSymbol constructor)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static INamedTypeSymbol? EnclosingType(ISymbol? symbol)
            => symbol as INamedTypeSymbol ?? symbol?.ContainingType;

        /// <summary>Attribute arguments, default parameter values and case labels must stay constant: no lookup can go there.</summary>
        private static bool IsConstantOnlyContext(SyntaxNode node)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case AttributeArgumentSyntax:
                    case SwitchLabelSyntax:
                    case PatternSyntax:
                    case EqualsValueClauseSyntax { Parent: ParameterSyntax }:
                        return true;
                    case StatementSyntax:
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        private static string ConnectionStringName(string memberName)
        {
            var pascal = SecretNames.ToPascal(memberName);
            var stem = pascal.EndsWith("ConnectionString", StringComparison.Ordinal)
                ? pascal.Substring(0, pascal.Length - "ConnectionString".Length)
                : pascal;
            return stem.Length == 0 ? "Default" : stem;
        }

        /// <summary><c>40 characters, starts 'ghp_'</c>; no prefix for short secrets.</summary>
        private static string LengthText(string secret)
        {
            var length = secret.Length.ToString(CultureInfo.InvariantCulture) + " characters";
            return secret.Length < PrefixMinimumLength ? length : length + ", starts '" + secret.Substring(0, 4) + "'";
        }
    }
}
