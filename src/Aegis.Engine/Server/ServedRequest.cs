using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Server;

/// <summary>
/// Which requests the warm server takes: the MSBuild target's <c>build</c> with the file (or no) sandbox, whose
/// sources and every file it writes (card, history, SARIF log) are inside the repository the request names. Anything
/// else is left to the one-shot engine, which gives the same card: a repository sandbox runs child builds in the
/// build's own environment and takes minutes anyway, and a server that serves many repositories must never be talked
/// into reading sources or writing files outside the one asked about. References and analyzer configs are read where
/// the compiler read them (the SDK's packs, the NuGet cache).
/// </summary>
public static class ServedRequest
{
    private static readonly string[] ServedSandboxes = { "file", "none" };

    /// <summary>Null when the server takes <paramref name="arguments"/> (response files already expanded), else why not.</summary>
    public static string? WhyNotServed(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments[0] != "build")
        {
            return "only the build verb is served";
        }

        var (values, unexpected) = Values(arguments);
        if (unexpected is not null)
        {
            return "unexpected argument " + unexpected;
        }

        if (!values.TryGetValue("--sandbox", out var sandbox) || !ServedSandboxes.Contains(sandbox, StringComparer.OrdinalIgnoreCase))
        {
            return "sandbox " + (sandbox ?? "(default)") + " is run by the one-shot engine";
        }

        if (!values.TryGetValue("--inputs", out var inputsPath) || !Path.IsPathFullyQualified(inputsPath))
        {
            return "--inputs is not an absolute path";
        }

        CompileInputs inputs;
        try
        {
            inputs = CompileInputs.Load(inputsPath);
        }
        catch (AegisException exception)
        {
            return exception.Message;
        }

        if (!Path.IsPathFullyQualified(inputs.ProjectPath))
        {
            return "the project path is not absolute";
        }

        var root = values.TryGetValue("--repository-root", out var given) ? given : RepositoryPaths.FindRoot(inputs.ProjectPath);
        if (!Path.IsPathFullyQualified(root))
        {
            return "--repository-root is not an absolute path";
        }

        root = Path.GetFullPath(root);
        var mustBeInside = new List<string> { inputsPath, inputs.ProjectPath };
        mustBeInside.AddRange(inputs.Sources);
        foreach (var option in new[] { "--output", "--error-log" })
        {
            if (values.TryGetValue(option, out var path))
            {
                if (!Path.IsPathFullyQualified(path))
                {
                    return option + " is not an absolute path";
                }

                mustBeInside.Add(path);
            }
        }

        foreach (var path in mustBeInside)
        {
            if (!IsInside(root, path))
            {
                return path + " is outside the repository " + root;
            }
        }

        return null;
    }

    /// <summary>
    /// What a served build's analysis depends on, resolved as the build verb resolves it: the compile inputs, the
    /// repository root (given, else found above the project) and the sandbox mode. Only for arguments
    /// <see cref="WhyNotServed"/> accepted.
    /// </summary>
    public static (string InputsPath, CompileInputs Inputs, string RepositoryRoot, string Sandbox) Resolve(IReadOnlyList<string> arguments)
    {
        var values = Values(arguments).Values;
        var inputsPath = values["--inputs"];
        var inputs = CompileInputs.Load(inputsPath);
        var root = Path.GetFullPath(values.TryGetValue("--repository-root", out var given) ? given : RepositoryPaths.FindRoot(inputs.ProjectPath));
        return (inputsPath, inputs, root, values["--sandbox"]);
    }

    /// <summary>The <c>--name value</c> pairs after the verb, or the first argument that is not one.</summary>
    private static (Dictionary<string, string> Values, string? Unexpected) Values(IReadOnlyList<string> arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < arguments.Count; i += 2)
        {
            if (!arguments[i].StartsWith("--", StringComparison.Ordinal) || arguments[i] is "--json")
            {
                return (values, arguments[i]);
            }

            values[arguments[i]] = arguments[i + 1];
        }

        return (values, null);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (no <c>..</c> escapes).</summary>
    public static bool IsInside(string root, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(path));
        return relative == "." || (!Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !relative.StartsWith("../", StringComparison.Ordinal));
    }
}
