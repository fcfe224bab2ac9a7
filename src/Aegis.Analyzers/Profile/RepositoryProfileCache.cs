using System.Runtime.CompilerServices;
using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// One profile per compilation, shared by every Aegis analyzer, computed on first use. Thread-safe; a
/// cancelled computation is not cached, so the next caller computes it afresh.
/// </summary>
public static class RepositoryProfileCache
{
    /// <summary>The file name analyzers look for among AdditionalFiles (in a folder named <c>.aegis</c>).</summary>
    public const string ProfileFileName = "profile.json";

    private static readonly ConditionalWeakTable<Compilation, Holder> Profiles = new();
    private static readonly ConditionalWeakTable<SourceText, ParsedFile> ParsedFiles = new();

    public static RepositoryProfile Get(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var holder = Profiles.GetValue(compilation, c => new Holder(c));
        return holder.Get(options, cancellationToken);
    }

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

    private static RepositoryProfile ApplyOverride(RepositoryProfile computed, AdditionalText? file, CancellationToken cancellationToken)
    {
        var text = file?.GetText(cancellationToken);
        if (text is null)
        {
            return computed;
        }

        // A profile that does not parse is ignored: the computed one is the documented fallback.
        var parsed = ParsedFiles.GetValue(text, t => ParsedFile.From(t));
        if (parsed.Json is null)
        {
            return computed;
        }

        try
        {
            return computed.OverriddenBy(parsed.Json);
        }
        catch (FormatException)
        {
            return computed;
        }
    }

    private sealed class ParsedFile
    {
        private ParsedFile(string? json) => Json = json;

        public string? Json { get; }

        public static ParsedFile From(SourceText text)
        {
            var json = text.ToString();
            try
            {
                MiniJson.Parse(json);
                return new ParsedFile(json);
            }
            catch (FormatException)
            {
                return new ParsedFile(null);
            }
        }
    }

    private sealed class Holder
    {
        private readonly Compilation compilation;
        private readonly object gate = new();
        private RepositoryProfile? computed;

        public Holder(Compilation compilation) => this.compilation = compilation;

        public RepositoryProfile Get(AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var profile = computed;
            if (profile is null)
            {
                lock (gate)
                {
                    profile = computed ??= RepositoryProfileBuilder.Build(compilation, cancellationToken);
                }
            }

            return ApplyOverride(profile, FindProfileFile(options), cancellationToken);
        }
    }
}
