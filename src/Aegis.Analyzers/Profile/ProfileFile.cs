using System.Collections.Concurrent;
using Aegis.Analyzers.Infrastructure;
using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>
/// A parsed <c>.aegis/profile.json</c>: top-level sections (a repository-wide convention, written by hand) and, under
/// <c>projects</c>, sections per assembly name (what <c>aegis scan --write-profile</c> writes). A compilation reads its
/// own entry first, so a repository-wide file never replaces a project's own convention with another project's.
/// </summary>
internal sealed class ProfileFile
{
    /// <summary>The field that holds the per-project entries, keyed by assembly name.</summary>
    public const string ProjectsField = "projects";

    /// <summary>A file that names nothing (also what a file that does not parse counts as).</summary>
    public static readonly ProfileFile None = new(ProfileOverride.None, new Dictionary<string, ProfileOverride>(StringComparer.Ordinal));

    private readonly ProfileOverride repositoryWide;
    private readonly Dictionary<string, ProfileOverride> projects;

    // One merged override per assembly: analyzers ask for a section many times per compilation.
    private readonly ConcurrentDictionary<string, ProfileOverride> merged = new(StringComparer.Ordinal);

    private ProfileFile(ProfileOverride repositoryWide, Dictionary<string, ProfileOverride> projects)
    {
        this.repositoryWide = repositoryWide;
        this.projects = projects;
    }

    /// <summary>Throws <see cref="FormatException"/> when the text is not a profile.</summary>
    public static ProfileFile Parse(string json)
    {
        if (MiniJson.Parse(json) is not Dictionary<string, object?> root)
        {
            throw new FormatException("the profile must be a JSON object");
        }

        var schema = String(root, "schema");
        if (schema is not null && schema != RepositoryProfile.Schema)
        {
            throw new FormatException($"unknown schema '{schema}', expected '{RepositoryProfile.Schema}'");
        }

        var projects = new Dictionary<string, ProfileOverride>(StringComparer.Ordinal);
        if (root.TryGetValue(ProjectsField, out var value) && value is not null)
        {
            if (value is not Dictionary<string, object?> entries)
            {
                throw new FormatException($"'{ProjectsField}' must be an object keyed by assembly name");
            }

            foreach (var entry in entries)
            {
                projects[entry.Key] = entry.Value is Dictionary<string, object?> sections
                    ? ProfileOverride.FromSections(sections)
                    : throw new FormatException($"'{ProjectsField}.{entry.Key}' must be an object of profile sections");
            }
        }

        return new ProfileFile(ProfileOverride.FromSections(root), projects);
    }

    /// <summary>The sections for the assembly <paramref name="assemblyName"/>: its own entry's, then the top-level ones.</summary>
    public ProfileOverride For(string? assemblyName)
        => assemblyName is not null && projects.TryGetValue(assemblyName, out var own)
            ? merged.GetOrAdd(assemblyName, _ => own.Over(repositoryWide))
            : repositoryWide;
}
