using System.CommandLine;
using Aegis.Engine.Infrastructure;

namespace Aegis.Cli.Commands;

/// <summary>
/// <c>aegis sarif --error-log &lt;file&gt;</c> (internal): what the MSBuild target runs instead of <c>build</c> when the
/// Risk Card is off but <c>$(ErrorLog)</c> is set, so the compiler's SARIF log gets the code-scanning properties of
/// Aegis's rules either way. A log it cannot update is warning AEGB012 and exit code 0: it never fails a build.
/// </summary>
internal static class SarifCommands
{
    public static void Add(RootCommand root, CliContext context, Option<bool> json)
    {
        var errorLog = new Option<string>("--error-log") { Description = "The compiler's SARIF log ($(ErrorLog)).", Required = true };
        var sarif = new Command("sarif", "(internal) Give Aegis's rules in the compiler's SARIF log their code-scanning properties (security-severity, precision, CWE tags).")
        {
            errorLog,
        };
        sarif.SetAction(parse =>
        {
            var asJson = parse.GetValue(json);
            var path = Path.GetFullPath(parse.GetRequiredValue(errorLog));
            var rules = Verbs.AddCodeScanningProperties(context, asJson, path);
            if (asJson)
            {
                var output = new JsonText().BeginObject()
                    .Property("exit_code", ExitCodes.Success)
                    .Property("error_log", path)
                    .Property("rules", rules ?? 0)
                    .Name("warnings").BeginArray();
                foreach (var (code, message) in context.Warnings)
                {
                    output.BeginObject().Property("code", code).Property("message", message).EndObject();
                }

                context.Stdout.Write(output.EndArray().EndObject().ToString());
            }

            return ExitCodes.Success;
        });
        root.Subcommands.Add(sarif);
    }
}
