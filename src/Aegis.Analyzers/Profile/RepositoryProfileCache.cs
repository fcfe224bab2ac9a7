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

    // Parsed once per file text, whatever compilation it comes with (each then picks its own project's entry); a file
    // that does not parse overrides nothing (the documented fallback).
    private static readonly ConditionalWeakTable<SourceText, ProfileFile> Files = new();

    /// <summary>Every section (the engine and <c>aegis scan --write-profile</c>).</summary>
    public static RepositoryProfile Get(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var given = Override(compilation, options, cancellationToken);
        var holder = HolderFor(compilation);
        return new(
            given.DataAccess ?? holder.DataAccess.Get(cancellationToken),
            given.Authorization ?? holder.Authorization.Get(cancellationToken),
            given.Configuration ?? holder.Configuration.Get(cancellationToken),
            given.HttpClient ?? holder.HttpClient.Get(cancellationToken));
    }

    public static DataAccessProfile GetDataAccess(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => Override(compilation, options, cancellationToken).DataAccess ?? HolderFor(compilation).DataAccess.Get(cancellationToken);

    public static AuthorizationProfile GetAuthorization(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => Override(compilation, options, cancellationToken).Authorization ?? HolderFor(compilation).Authorization.Get(cancellationToken);

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

    /// <summary>The sections the profile file names for this compilation's assembly (see <see cref="ProfileFile"/>).</summary>
    private static ProfileOverride Override(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        => FindProfileFile(options)?.GetText(cancellationToken) is { } text
            ? Files.GetValue(text, Parse).For(compilation.AssemblyName)
            : ProfileOverride.None;

    private static ProfileFile Parse(SourceText text)
    {
        try
        {
            return ProfileFile.Parse(text.ToString());
        }
        catch (FormatException)
        {
            return ProfileFile.None;
        }
    }

    private sealed class Holder
    {
        public Holder(Compilation compilation)
        {
            var types = KnownTypes.For(compilation);
            DataAccess = new(types, DataAccessProfileBuilder.Build);
            Authorization = new(types, AuthorizationProfileBuilder.Build);
            Configuration = new(types, ConfigurationProfileBuilder.Build);
            HttpClient = new(types, HttpClientProfileBuilder.Build);
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
        private readonly KnownTypes types;
        private readonly Func<KnownTypes, CancellationToken, T> build;
        private readonly object gate = new();
        private volatile T? value;

        public Section(KnownTypes types, Func<KnownTypes, CancellationToken, T> build)
        {
            this.types = types;
            this.build = build;
        }

        public T Get(CancellationToken cancellationToken)
        {
            var current = value;
            if (current is not null)
            {
                return current;
            }

            lock (gate)
            {
                return value ??= build(types, cancellationToken);
            }
        }
    }
}
