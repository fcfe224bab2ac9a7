using System.CommandLine;
using System.Globalization;
using Aegis.Analyzers.Profile;
using Aegis.Engine;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;

namespace Aegis.Cli;

/// <summary>The <c>aegis</c> command line: a thin front that parses, calls the engine and prints.</summary>
public static class AegisCommandLine
{
    public const int DefaultVerifyTimeoutSeconds = 300;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, Aegis.Engine.Analysis.AnalyzerCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        string[] expanded;
        try
        {
            expanded = ExpandResponseFiles(args);
        }
        catch (IOException exception)
        {
            stderr.WriteLine("aegis: error AEGB003: cannot read response file: " + exception.Message);
            return ExitCodes.UsageError;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the engine unwind (its finally blocks remove the sandbox copy) instead of dying mid-copy.
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var context = new CliContext(stdout, stderr, environment, catalog ?? Aegis.Engine.Analysis.AnalyzerCatalog.Default, expanded);
            var root = BuildCommands(context);
            var parse = root.Parse(expanded, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors)
                {
                    stderr.WriteLine("aegis: error: " + error.Message);
                }

                stderr.WriteLine("Run 'aegis --help' for usage.");
                return ExitCodes.UsageError;
            }

            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
        }
        catch (AegisException exception)
        {
            var exit = exception.Code == ErrorCodes.GateFailed ? ExitCodes.GateFailed : exception.Code is ErrorCodes.BadCompileInputs or ErrorCodes.CorruptStateFile ? ExitCodes.UsageError : ExitCodes.InternalError;
            return Fail(expanded, stdout, stderr, exit, exception.Code, exception.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(expanded, stdout, stderr, ExitCodes.InternalError, ErrorCodes.SandboxFailure, "cancelled");
        }
        catch (Exception exception)
        {
            return Fail(expanded, stdout, stderr, ExitCodes.InternalError, ErrorCodes.EngineCrashed, "engine crashed: " + exception.GetType().Name + ": " + exception.Message);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Prints the coded error line (and, under <c>--json</c>, a JSON object on stdout); returns <paramref name="exit"/>.</summary>
    internal static int Fail(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, int exit, string code, string message)
    {
        stderr.WriteLine("aegis: error " + code + ": " + message);
        if (args.Contains("--json"))
        {
            stdout.Write(new JsonText().BeginObject()
                .Property("exit_code", exit)
                .Name("error").BeginObject().Property("code", code).Property("message", message).EndObject()
                .EndObject().ToString());
        }

        return exit;
    }

    /// <summary><c>@file</c> arguments become the file's lines, one argument per line (ENGINE-CONTRACT.md), so a
    /// verify command keeps its spaces and quotes.</summary>
    internal static string[] ExpandResponseFiles(string[] args)
    {
        var result = new List<string>();
        foreach (var arg in args)
        {
            if (arg.StartsWith('@') && arg.Length > 1)
            {
                var path = arg[1..].Trim('"');
                foreach (var line in File.ReadAllText(path).Replace("\r\n", "\n").Split('\n'))
                {
                    if (line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'))
                    {
                        result.Add(line.Trim());
                    }
                }
            }
            else
            {
                result.Add(arg);
            }
        }

        return result.ToArray();
    }

    /// <summary>The verify commands in order: a <c>--verify-timeout</c> after a command sets that command's timeout;
    /// one before any command sets the default for the rest.</summary>
    internal static List<VerifyCommand> VerifyCommands(IReadOnlyList<string> args)
    {
        var commands = new List<(string Command, int? Timeout)>();
        var defaultTimeout = DefaultVerifyTimeoutSeconds;
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == "--verify-command")
            {
                commands.Add((args[++i], null));
            }
            else if (args[i] == "--verify-timeout" && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                i++;
                if (commands.Count > 0 && commands[^1].Timeout is null)
                {
                    commands[^1] = (commands[^1].Command, seconds);
                }
                else
                {
                    defaultTimeout = seconds;
                }
            }
        }

        return commands.Select(c => new VerifyCommand(c.Command, TimeSpan.FromSeconds(c.Timeout ?? defaultTimeout))).ToList();
    }

    private static RootCommand BuildCommands(CliContext context)
    {
        var root = new RootCommand("aegis: security incidents, verified patches and Risk Cards for .NET repositories.");
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON on stdout.", Recursive = true };
        root.Options.Add(json);

        Option<string> Sandbox() => new("--sandbox") { Description = "none | file | repository (default: repository when CI is set, else file)." };
        Option<string> FailOn(string defaultValue) => new("--fail-on") { Description = "never | blocked | LOW | MEDIUM | HIGH | CRITICAL (default " + defaultValue + ").", DefaultValueFactory = _ => defaultValue };
        Option<string[]> VerifyCommand() => new("--verify-command") { Description = "A command run in the repository sandbox (repeatable).", AllowMultipleArgumentsPerToken = false };
        Option<int> VerifyTimeout() => new("--verify-timeout") { Description = "Seconds before a verify command's process tree is killed (default 300).", DefaultValueFactory = _ => DefaultVerifyTimeoutSeconds };
        Option<string> Output() => new("--output") { Description = "Folder for risk-card.json/.md/.html." };
        Option<string> RepositoryRoot() => new("--repository-root") { Description = "Repository root (default: the nearest folder with .git)." };

        // build: the MSBuild front (internal; see ENGINE-CONTRACT.md).
        var inputs = new Option<string>("--inputs") { Description = "compile-inputs.txt written by the MSBuild target.", Required = true };
        var buildOutput = Output();
        var buildRoot = RepositoryRoot();
        var buildSandbox = Sandbox();
        var buildFailOn = FailOn("never");
        var buildCommands = VerifyCommand();
        var buildTimeout = VerifyTimeout();
        var build = new Command("build", "(internal) What the MSBuild target runs after Build: aegis build @obj/aegis/aegis.rsp.")
        {
            inputs, buildOutput, buildRoot, buildSandbox, buildFailOn, buildCommands, buildTimeout,
        };
        build.SetAction((parse, ct) => Verbs.BuildAsync(context, parse.GetValue(json), parse.GetRequiredValue(inputs), parse.GetValue(buildOutput), parse.GetValue(buildRoot), parse.GetValue(buildSandbox), parse.GetValue(buildFailOn)!, ct));
        root.Subcommands.Add(build);

        var scanTarget = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj.", DefaultValueFactory = _ => "." };
        var scanOutput = Output();
        var scanRoot = RepositoryRoot();
        var scanSandbox = Sandbox();
        var scanFailOn = FailOn("never");
        // --update-profile: the older spelling, kept so scripts that used it still write the file.
        var scanWriteProfile = new Option<bool>("--write-profile", "--update-profile") { Description = "Write .aegis/profile.json: each scanned project's conventions in its own section, which every later build reads (replaces an existing file)." };
        var scan = new Command("scan", "Find incidents in every project and write a repository-wide Risk Card (and .aegis/profile.json with --write-profile).")
        {
            scanTarget, scanOutput, scanRoot, scanSandbox, scanFailOn, scanWriteProfile,
        };
        scan.SetAction((parse, ct) => Verbs.ScanAsync(context, parse.GetValue(json), parse.GetValue(scanTarget)!, parse.GetValue(scanOutput), parse.GetValue(scanRoot), parse.GetValue(scanSandbox) ?? SandboxModes.None, parse.GetValue(scanFailOn)!, checkProfile: true, verb: "scan", ct, writeProfile: parse.GetValue(scanWriteProfile)));
        root.Subcommands.Add(scan);

        var verifyTarget = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj (default: the current folder).", DefaultValueFactory = _ => "." };
        var verifyOutput = Output();
        var verifyRoot = RepositoryRoot();
        var verifySandbox = Sandbox();
        var verifyFailOn = FailOn("blocked");
        var verifyCommands = VerifyCommand();
        var verifyTimeout = VerifyTimeout();
        var verify = new Command("verify", "What the build target does, for a whole repository: incidents, patches, sandbox, Risk Card, gate.")
        {
            verifyTarget, verifyOutput, verifyRoot, verifySandbox, verifyFailOn, verifyCommands, verifyTimeout,
        };
        verify.SetAction((parse, ct) => Verbs.ScanAsync(context, parse.GetValue(json), parse.GetValue(verifyTarget)!, parse.GetValue(verifyOutput), parse.GetValue(verifyRoot), parse.GetValue(verifySandbox), parse.GetValue(verifyFailOn)!, checkProfile: false, verb: "verify", ct));
        root.Subcommands.Add(verify);

        var actionFile = new Option<string>("--action") { Description = "action.json: {\"file\", \"content\" | \"patch\", \"intent\", \"actor\"}.", Required = true };
        var proposeOutput = Output();
        var proposeRoot = RepositoryRoot();
        var proposeSandbox = Sandbox();
        var proposeCommands = VerifyCommand();
        var proposeTimeout = VerifyTimeout();
        var propose = new Command("propose", "The seatbelt for AI helpers: policy, sandbox, tests and a Risk Card for a proposed change. Exit 0 allow, 1 blocked.")
        {
            actionFile, proposeOutput, proposeRoot, proposeSandbox, proposeCommands, proposeTimeout,
        };
        propose.SetAction((parse, ct) => Verbs.ProposeAsync(context, parse.GetValue(json), parse.GetRequiredValue(actionFile), parse.GetValue(proposeOutput), parse.GetValue(proposeRoot), parse.GetValue(proposeSandbox), ct));
        root.Subcommands.Add(propose);
        Commands.ReleaseCommands.Add(root, context, json);
        return root;
    }
}

internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, Func<string, string?> Environment, Aegis.Engine.Analysis.AnalyzerCatalog Catalog, IReadOnlyList<string> Args);
