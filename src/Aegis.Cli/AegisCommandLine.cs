using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Aegis.Analyzers.Profile;
using Aegis.Engine;
using Aegis.Engine.Compilation;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;
using Aegis.Engine.Verification;
using static Aegis.Cli.CommonOptions;

namespace Aegis.Cli;

/// <summary>The <c>aegis</c> command line: a thin front that parses, calls the engine and prints.</summary>
/// <remarks>
/// Conventions every verb gets from here, so a verb added under Commands/ follows them without code of its own
/// (docs/cli.md):
/// <list type="bullet">
/// <item>A failure is an <see cref="AegisException"/> with a code: <c>aegis: error AEGBnnn: …</c> on stderr and, under
/// <c>--json</c>, <c>{"exit_code", "error": {"code", "message"}}</c> on stdout. Verbs throw; they do not print errors.</item>
/// <item>Bad arguments (an unknown option, a value out of range) are AEGB010, exit code 2; an option's own limits are
/// validators on the shared option factories (<see cref="CommonOptions"/>), checked before any work starts.</item>
/// <item>Warnings go through <see cref="CliContext.Warn"/>: stderr, and the <c>warnings</c> array of the JSON output.</item>
/// <item>Progress lines only when stderr is a terminal, never under <c>--json</c> or in CI (<see cref="CliContext.ShowsProgress"/>).</item>
/// </list>
/// </remarks>
public static class AegisCommandLine
{
    public const int DefaultVerifyTimeoutSeconds = 300;

    /// <summary>The command's name wherever it runs from (ToolCommandName of the tool package).</summary>
    public const string CommandName = "aegis";

    /// <param name="stdin">What <c>aegis hook</c> reads its payload from (default: the console's standard input).</param>
    /// <param name="stderrIsTerminal">Whether progress lines may be shown; default: <paramref name="stderr"/> is the
    /// console's and it is not redirected.</param>
    /// <param name="projectCache">The warm server's projects (<c>aegis server run</c>); null in a one-shot run.</param>
    /// <param name="served">The warm server's prepared analyses for this build; null in a one-shot run.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, Aegis.Engine.Analysis.AnalyzerCatalog? catalog = null, CancellationToken cancellationToken = default, TextReader? stdin = null, bool? stderrIsTerminal = null, LoadedProjectCache? projectCache = null, ServedBuild? served = null)
    {
        string[] expanded;
        try
        {
            expanded = ExpandResponseFiles(args);
        }
        catch (IOException exception)
        {
            return Fail(args, stdout, stderr, ExitCodes.UsageError, ErrorCodes.BadCompileInputs, "cannot read response file: " + exception.Message);
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
            var terminal = stderrIsTerminal ?? (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
            var context = new CliContext(stdout, stderr, environment, catalog ?? Aegis.Engine.Analysis.AnalyzerCatalog.Default, expanded, terminal) { Stdin = stdin ?? Console.In, ProjectCache = projectCache, Served = served };
            var root = BuildCommands(context);
            var parse = root.Parse(expanded, new ParserConfiguration { ResponseFileTokenReplacer = null });
            var usage = UsageErrors(parse, expanded);
            if (usage.Count > 0)
            {
                // Every message on stderr; the first, the cause, in the JSON error object.
                var exit = Fail(expanded, stdout, stderr, ExitCodes.UsageError, ErrorCodes.BadArguments, usage[0]);
                foreach (var message in usage.Skip(1))
                {
                    stderr.WriteLine("aegis: error " + ErrorCodes.BadArguments + ": " + message);
                }

                stderr.WriteLine("Run 'aegis " + (parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ") + "--help' for usage.");
                return exit;
            }

            if (parse.Action is System.CommandLine.Help.HelpAction)
            {
                var help = new StringWriter();
                var helpExit = await parse.InvokeAsync(new InvocationConfiguration { Output = help, Error = stderr, EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
                stdout.Write(NameUsage(help.ToString(), root.Name));
                return helpExit;
            }

            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
        }
        catch (AegisException exception)
        {
            var exit = exception.Code == ErrorCodes.GateFailed ? ExitCodes.GateFailed : exception.Code is ErrorCodes.BadCompileInputs or ErrorCodes.CorruptStateFile or ErrorCodes.BadArguments or ErrorCodes.ServiceExposed or ErrorCodes.OutboundPolicyRefused ? ExitCodes.UsageError : ExitCodes.InternalError;
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

    /// <summary>
    /// The help's usage lines with the command's own name: System.CommandLine names the root command after the
    /// executable, which is Aegis.Cli.dll both as a dotnet tool and as the package's engine (and testhost in tests).
    /// </summary>
    internal static string NameUsage(string help, string executableName)
    {
        var lines = help.Split('\n');
        for (var i = Array.FindIndex(lines, l => l.TrimEnd('\r') == "Usage:") + 1; i > 0 && i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            lines[i] = Regex.Replace(lines[i], @"^(\s+)" + Regex.Escape(executableName) + @"(?=\s|$)", "${1}" + CommandName);
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// The parser's errors in the words a user expects. A dashed token that names no option is an unknown option, also
    /// when the parser took it for the verb's target (<c>scan --frobnicate</c> once read as "not found: --frobnicate");
    /// it is the whole story then, so the follow-on errors it causes are left out. After <c>--</c> nothing is an option.
    /// Otherwise the parser's messages, an unrecognised word first.
    /// </summary>
    private static List<string> UsageErrors(ParseResult parse, IReadOnlyList<string> args)
    {
        var separator = args.ToList().IndexOf("--");
        bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-' && !IsNumber(token) && (separator < 0 || args.ToList().IndexOf(token) < separator);
        var commandArguments = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value);
        var unknown = commandArguments.Concat(parse.UnmatchedTokens).Where(LooksLikeOption).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return unknown.Select(token => "unknown option " + token).ToList();
        }

        // A word the parser did not recognise is the cause; "required command was not provided" follows from it.
        var unmatched = parse.UnmatchedTokens.ToList();
        return parse.Errors.Select(e => e.Message).OrderBy(m => unmatched.Any(t => m.Contains("'" + t + "'", StringComparison.Ordinal)) ? 0 : 1).ToList();
    }

    private static bool IsNumber(string token) => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

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
    /// one before any command sets the default for the rest. Values were validated by <see cref="CommonOptions.VerifyTimeout"/>.</summary>
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
            else if (args[i] == "--verify-timeout" && PositiveSeconds(args[i + 1]) is { } seconds)
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

    internal static int? PositiveSeconds(string text)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : null;

    private static RootCommand BuildCommands(CliContext context)
    {
        var root = new RootCommand("aegis: security incidents, verified patches and Risk Cards for .NET repositories.");
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON on stdout.", Recursive = true };
        root.Options.Add(json);

        // build: the MSBuild front (internal; see ENGINE-CONTRACT.md).
        var inputs = new Option<string>("--inputs") { Description = "compile-inputs.txt written by the MSBuild target.", Required = true };
        var buildOutput = Output();
        var buildRoot = RepositoryRoot();
        var buildSandbox = Sandbox("the AegisSandbox the target passes");
        var buildFailOn = FailOn("never");
        var buildCommands = VerifyCommand();
        var buildTimeout = VerifyTimeout();
        var errorLog = new Option<string>("--error-log") { Description = "The compiler's SARIF log ($(ErrorLog)): Aegis's rules get their code-scanning properties (security-severity, precision, CWE tags)." };
        var buildBaseline = Baseline("the AegisBaseline the target passes; none without it");
        var buildNewOnly = FailOnNewOnly();
        var build = new Command("build", "(internal) What the MSBuild target runs after Build: aegis build @obj/aegis/aegis.rsp.")
        {
            inputs, buildOutput, buildRoot, buildSandbox, buildFailOn, buildCommands, buildTimeout, errorLog, buildBaseline, buildNewOnly,
        };
        build.SetAction((parse, ct) => Verbs.BuildAsync(context, parse.GetValue(json), parse.GetRequiredValue(inputs), parse.GetValue(buildOutput), parse.GetValue(buildRoot), parse.GetValue(buildSandbox), new Gate(parse.GetValue(buildFailOn)!, parse.GetValue(buildNewOnly)), parse.GetValue(errorLog), parse.GetValue(buildBaseline), ct));
        root.Subcommands.Add(build);

        var scanTarget = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj.", DefaultValueFactory = _ => "." };
        var scanOutput = Output();
        var scanRoot = RepositoryRoot();
        var scanSandbox = Sandbox(SandboxModes.None);
        var scanFailOn = FailOn("never");
        // --update-profile: the older spelling, kept so scripts that used it still write the file.
        var scanWriteProfile = new Option<bool>("--write-profile", "--update-profile") { Description = "Write .aegis/profile.json: each scanned project's conventions in its own section, which every later build reads (replaces an existing file)." };
        var scanBaseline = Baseline();
        var scanNewOnly = FailOnNewOnly();
        var scan = new Command("scan", "Find incidents in every project and write a repository-wide Risk Card (and .aegis/profile.json with --write-profile).")
        {
            scanTarget, scanOutput, scanRoot, scanSandbox, scanFailOn, scanWriteProfile, scanBaseline, scanNewOnly,
        };
        scan.SetAction((parse, ct) => Verbs.ScanAsync(context, parse.GetValue(json), parse.GetValue(scanTarget)!, parse.GetValue(scanOutput), parse.GetValue(scanRoot), parse.GetValue(scanSandbox) ?? SandboxModes.None, new Gate(parse.GetValue(scanFailOn)!, parse.GetValue(scanNewOnly)), parse.GetValue(scanBaseline), checkProfile: true, verb: "scan", ct, writeProfile: parse.GetValue(scanWriteProfile)));
        root.Subcommands.Add(scan);

        var verifyTarget = new Argument<string>("target") { Description = "A folder, .sln/.slnx or .csproj (default: the current folder).", DefaultValueFactory = _ => "." };
        var verifyOutput = Output();
        var verifyRoot = RepositoryRoot();
        var verifySandbox = Sandbox();
        var verifyFailOn = FailOn("blocked");
        var verifyCommands = VerifyCommand();
        var verifyTimeout = VerifyTimeout();
        var verifyBaseline = Baseline();
        var verifyNewOnly = FailOnNewOnly();
        var verify = new Command("verify", "What the build target does, for a whole repository: incidents, patches, sandbox, Risk Card, gate.")
        {
            verifyTarget, verifyOutput, verifyRoot, verifySandbox, verifyFailOn, verifyCommands, verifyTimeout, verifyBaseline, verifyNewOnly,
        };
        verify.SetAction((parse, ct) => Verbs.ScanAsync(context, parse.GetValue(json), parse.GetValue(verifyTarget)!, parse.GetValue(verifyOutput), parse.GetValue(verifyRoot), parse.GetValue(verifySandbox), new Gate(parse.GetValue(verifyFailOn)!, parse.GetValue(verifyNewOnly)), parse.GetValue(verifyBaseline), checkProfile: false, verb: "verify", ct));
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
        Commands.HookCommands.Add(root, context, json);
        Commands.McpCommands.Add(root, context, json);
        Commands.SarifCommands.Add(root, context, json);
        Commands.ContainCommand.Add(root, context, json);
        Commands.ReleaseCommands.Add(root, context, json);
        Commands.EventCommands.Add(root, context, json);
        Commands.HistoryCommand.Add(root, context, json);
        Commands.ServeCommand.Add(root, context, json);
        Commands.ServerCommands.Add(root, context, json);
        Commands.SnapshotCommand.Add(root, context, json);
        Commands.DriftCommand.Add(root, context, json);
        Commands.BaselineCommands.Add(root, context, json);
        Commands.StatusCommand.Add(root, context, json);
        Commands.FixCommand.Add(root, context, json);
        Commands.WatchCommand.Add(root, context, json);
        Commands.SandboxCommands.Add(root, context, json);
        return root;
    }
}

internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, Func<string, string?> Environment, Aegis.Engine.Analysis.AnalyzerCatalog Catalog, IReadOnlyList<string> Args, bool StderrIsTerminal)
{
    /// <summary>What <c>aegis hook</c> reads its payload from.</summary>
    public TextReader Stdin { get; init; } = TextReader.Null;

    /// <summary>The warm server's projects, reused between builds; null in a one-shot run.</summary>
    public LoadedProjectCache? ProjectCache { get; init; }

    /// <summary>The warm server's prepared analyses; null in a one-shot run.</summary>
    public ServedBuild? Served { get; init; }

    /// <summary>The warnings printed so far, for the <c>warnings</c> array of the JSON output.</summary>
    public List<(string Code, string Message)> Warnings { get; } = new();

    /// <summary>Progress lines: on a terminal only, and never under <c>--json</c> or in CI (docs/cli.md).</summary>
    public bool ShowsProgress(bool json) => StderrIsTerminal && !json && Environment("CI") is null;

    /// <summary><c>aegis: warning AEGBnnn: message</c> on stderr (the MSBuild task turns it into a coded warning).</summary>
    public void Warn(string code, string message)
    {
        Warnings.Add((code, message));
        Stderr.WriteLine("aegis: warning " + code + ": " + message);
    }
}
