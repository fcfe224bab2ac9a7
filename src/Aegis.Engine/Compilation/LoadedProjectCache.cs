using System.Globalization;
using System.Text;
using Aegis.Engine.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Engine.Compilation;

/// <summary>
/// The warm server's memory of each project: its last compilation, kept while the project's options, references
/// (path, size, time), analyzer configs and additional files stay the same. A new build then re-parses only the
/// sources whose text changed and replaces those trees, so the references are neither read nor bound again. Anything
/// else changed loads the project afresh, as the one-shot engine does: the result is the same compilation either way.
/// </summary>
public sealed class LoadedProjectCache
{
    /// <summary>Projects kept; the least recently used goes first (a solution of a few dozen projects fits).</summary>
    public const int Capacity = 64;

    private readonly object gate = new();
    private readonly Dictionary<string, Entry> projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Stamp, MetadataReference Reference)> references = new(StringComparer.Ordinal);
    private long clock;

    /// <summary>Loads <paramref name="inputs"/>, reusing what an earlier load of the same project with the same options left.</summary>
    public LoadedProject Load(CompileInputs inputs, CancellationToken cancellationToken)
    {
        var optionsIdentity = OptionsIdentity(inputs);
        var key = inputs.ProjectPath + "\n" + optionsIdentity;
        Entry? previous;
        lock (gate)
        {
            projects.TryGetValue(key, out previous);
        }

        LoadedProject project;
        if (previous is not null && SameSourceList(previous.Project.Inputs, inputs))
        {
            project = Update(previous.Project, inputs, cancellationToken);
            EngineTrace.Note("load: warm (" + inputs.Sources.Count.ToString(CultureInfo.InvariantCulture) + " sources, references reused)");
        }
        else
        {
            project = LoadedProject.Load(inputs, Reference, cancellationToken);
            EngineTrace.Note("load: cold");
        }

        lock (gate)
        {
            projects[key] = new Entry(project, ++clock);
            if (projects.Count > Capacity)
            {
                projects.Remove(projects.MinBy(p => p.Value.Used).Key);
            }
        }

        return project;
    }

    /// <summary>The previous compilation with each source whose text changed parsed again; unchanged trees are kept.</summary>
    private static LoadedProject Update(LoadedProject previous, CompileInputs inputs, CancellationToken cancellationToken)
    {
        var compilation = previous.Compilation;
        foreach (var tree in previous.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(tree.FilePath))
            {
                throw new AegisException(ErrorCodes.BadCompileInputs, $"source file not found: {tree.FilePath}");
            }

            var text = LoadedProject.ReadText(tree.FilePath);
            if (!text.GetChecksum().SequenceEqual(tree.GetText(cancellationToken).GetChecksum()))
            {
                compilation = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, previous.ParseOptions, tree.FilePath, cancellationToken));
            }
        }

        return LoadedProject.Reuse(previous, inputs, compilation);
    }

    private static bool SameSourceList(CompileInputs previous, CompileInputs current)
        => previous.Sources.SequenceEqual(current.Sources, StringComparer.Ordinal);

    /// <summary>The reference read once per path while its size and time stay the same.</summary>
    private MetadataReference Reference(string path)
    {
        var stamp = Stamp(path);
        lock (gate)
        {
            if (references.TryGetValue(path, out var cached) && cached.Stamp == stamp)
            {
                return cached.Reference;
            }
        }

        var reference = MetadataReference.CreateFromFile(path);
        lock (gate)
        {
            references[path] = (stamp, reference);
        }

        return reference;
    }

    /// <summary>Everything of the inputs but the source texts: options, each reference's stamp, configs' and additional files' texts.</summary>
    private static string OptionsIdentity(CompileInputs inputs)
    {
        var builder = new StringBuilder()
            .Append(inputs.AssemblyName).Append('\n')
            .Append(inputs.OutputKind).Append('\n')
            .Append(inputs.LangVersion).Append('\n')
            .Append(inputs.Nullable).Append('\n')
            .Append(inputs.AllowUnsafe).Append('\n')
            .AppendJoin(';', inputs.Defines).Append('\n');
        foreach (var reference in inputs.References)
        {
            builder.Append("r ").Append(reference).Append(' ').Append(Stamp(reference)).Append('\n');
        }

        foreach (var file in inputs.AnalyzerConfigs.Concat(inputs.AdditionalFiles))
        {
            builder.Append("f ").Append(file).Append(' ').Append(File.Exists(file) ? Convert.ToHexString(LoadedProject.ReadText(file).GetChecksum().AsSpan()) : "-").Append('\n');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length.ToString(CultureInfo.InvariantCulture) + "@" + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) : "missing";
    }

    private sealed record Entry(LoadedProject Project, long Used);
}
