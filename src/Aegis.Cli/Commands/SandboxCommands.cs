using System.CommandLine;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Verification;

namespace Aegis.Cli.Commands;

/// <summary>
/// The kept repository sandbox: <c>--keep-sandbox true|false</c> on every verb that can run the repository sandbox
/// (read by <see cref="Verbs.Options"/>), and <c>aegis sandbox clean</c>, which removes the kept copies.
/// </summary>
internal static class SandboxCommands
{
    public const string KeepOptionName = "--keep-sandbox";

    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        root.Options.Add(new Option<bool>(KeepOptionName)
        {
            Description = "Keep the repository sandbox's copy for the next verification, synced and built incrementally (default: true, false in CI).",
            Arity = ArgumentArity.ExactlyOne,
            Recursive = true,
        });

        var all = new Option<bool>("--all") { Description = "Remove every kept copy of this user, not only this repository's." };
        var repositoryRoot = CommonOptions.RepositoryRoot();
        var clean = new Command("clean", "Remove the kept repository sandbox copy of this repository (or every one with --all); a copy in use is left.")
        {
            all, repositoryRoot,
        };
        clean.SetAction((parse, ct) => SnapshotVerbs.RunAsync(context, parse.GetValue(json), () =>
        {
            var rootPath = parse.GetValue(all) ? null : SnapshotVerbs.Root(".", parse.GetValue(repositoryRoot));
            var removed = KeptSandboxes.Clean(rootPath);
            if (parse.GetValue(json))
            {
                var text = new JsonText().BeginObject().Property("exit_code", ExitCodes.Success).Name("removed").BeginArray();
                foreach (var folder in removed)
                {
                    text.String(folder);
                }

                context.Stdout.Write(text.EndArray().EndObject().ToString());
            }
            else
            {
                context.Stdout.WriteLine(removed.Count == 0
                    ? "aegis: no kept sandbox copy to remove" + (rootPath is null ? "" : " for " + rootPath)
                    : "aegis: removed " + string.Join(", ", removed));
            }

            return Task.FromResult(ExitCodes.Success);
        }));

        var sandbox = new Command("sandbox", "The repository sandbox's kept copies (docs/verification.md).") { clean };
        root.Subcommands.Add(sandbox);
    }

    /// <summary>The <c>--keep-sandbox</c> value given (last wins), else the default: on locally, off in CI.</summary>
    public static bool Keep(CliContext context)
    {
        bool? given = null;
        for (var i = 0; i < context.Args.Count; i++)
        {
            var arg = context.Args[i];
            if (arg == KeepOptionName && i + 1 < context.Args.Count)
            {
                given = bool.TryParse(context.Args[i + 1], out var value) ? value : given;
            }
            else if (arg.StartsWith(KeepOptionName + "=", StringComparison.Ordinal) || arg.StartsWith(KeepOptionName + ":", StringComparison.Ordinal))
            {
                given = bool.TryParse(arg[(KeepOptionName.Length + 1)..], out var value) ? value : given;
            }
        }

        return given ?? SandboxModes.KeepsByDefault(context.Environment);
    }
}
