using System.Runtime.CompilerServices;
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

    private sealed class Holder
    {
        private readonly Compilation compilation;
        private readonly object gate = new();
        private readonly ConditionalWeakTable<SourceText, RepositoryProfile> overridden = new();
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

            var text = FindProfileFile(options)?.GetText(cancellationToken);
            return text is null ? profile : overridden.GetValue(text, t => Override(profile, t));
        }

        /// <summary>Parsed once per file text; a profile that does not parse is ignored (the documented fallback).</summary>
        private static RepositoryProfile Override(RepositoryProfile computed, SourceText text)
        {
            try
            {
                return computed.OverriddenBy(text.ToString());
            }
            catch (FormatException)
            {
                return computed;
            }
        }
    }
}
