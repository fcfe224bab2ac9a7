using System.Runtime.CompilerServices;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// One profile per compilation, shared by every Aegis analyzer. Each section is computed on first use and only
/// when asked for (AEG001 needs data access, AEG003 authorization), and not at all when <c>.aegis/profile.json</c>
/// names it. Thread-safe; a cancelled computation is not cached, so the next caller computes it afresh.
/// </summary>
public static class RepositoryProfileCache
{
    /// <summary>The file name analyzers look for among AdditionalFiles (in a folder named <c>.aegis</c>).</summary>
    public const string ProfileFileName = "profile.json";

    private static readonly ConditionalWeakTable<Compilation, Holder> Holders = new();

    // Parsed once per file text, whatever compilation it comes with; a file that does not parse overrides
    // nothing (the documented fallback).
    private static readonly ConditionalWeakTable<SourceText, ProfileOverride> Overrides = new();

    /// <summary>Every section (the engine and <c>aegis scan --update-profile</c>).</summary>
    public static RepositoryProfile Get(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => new(
            GetDataAccess(compilation, options, cancellationToken),
            GetAuthorization(compilation, options, cancellationToken),
            Override(options, cancellationToken).Configuration ?? HolderFor(compilation).Configuration.Get(c => ConfigurationProfileBuilder.Build(KnownTypes.For(c), cancellationToken)),
            Override(options, cancellationToken).HttpClient ?? HolderFor(compilation).HttpClient.Get(c => HttpClientProfileBuilder.Build(KnownTypes.For(c), cancellationToken)));

    public static DataAccessProfile GetDataAccess(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => Override(options, cancellationToken).DataAccess
            ?? HolderFor(compilation).DataAccess.Get(c => DataAccessProfileBuilder.Build(KnownTypes.For(c), cancellationToken));

    public static AuthorizationProfile GetAuthorization(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => Override(options, cancellationToken).Authorization
            ?? HolderFor(compilation).Authorization.Get(c => AuthorizationProfileBuilder.Build(KnownTypes.For(c), cancellationToken));

    /// <summary>The <c>.aegis/profile.json</c> AdditionalFile, if the project passes one.</summary>
    public static AdditionalText? FindProfileFile(AnalyzerOptions options)
    {
        foreach (var file in options.AdditionalFiles)
        {
            var path = file.Path.Replace('\\', '/');
            if (path.EndsWith("/.aegis/" + ProfileFileName, StringComparison.OrdinalIgnoreCase)
                || path.Equals(".aegis/" + ProfileFileName, StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }
        }

        return null;
    }

    private static Holder HolderFor(Compilation compilation) => Holders.GetValue(compilation, c => new Holder(c));

    private static ProfileOverride Override(AnalyzerOptions options, CancellationToken cancellationToken)
        => FindProfileFile(options)?.GetText(cancellationToken) is { } text
            ? Overrides.GetValue(text, Parse)
            : ProfileOverride.None;

    private static ProfileOverride Parse(SourceText text)
    {
        try
        {
            return ProfileOverride.Parse(text.ToString());
        }
        catch (FormatException)
        {
            return ProfileOverride.None;
        }
    }

    private sealed class Holder
    {
        public Holder(Compilation compilation)
        {
            DataAccess = new Section<DataAccessProfile>(compilation);
            Authorization = new Section<AuthorizationProfile>(compilation);
            Configuration = new Section<ConfigurationProfile>(compilation);
            HttpClient = new Section<HttpClientProfile>(compilation);
        }

        public Section<DataAccessProfile> DataAccess { get; }

        public Section<AuthorizationProfile> Authorization { get; }

        public Section<ConfigurationProfile> Configuration { get; }

        public Section<HttpClientProfile> HttpClient { get; }
    }

    /// <summary>One section, computed once; callers that arrive meanwhile wait for it rather than compute it again.</summary>
    private sealed class Section<T>
        where T : class
    {
        private readonly Compilation compilation;
        private readonly object gate = new();
        private volatile T? value;

        public Section(Compilation compilation) => this.compilation = compilation;

        public T Get(Func<Compilation, T> compute)
        {
            var current = value;
            if (current is not null)
            {
                return current;
            }

            lock (gate)
            {
                return value ??= compute(compilation);
            }
        }
    }
}
