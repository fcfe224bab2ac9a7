using System.Globalization;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;

namespace Aegis.Engine.Agents;

/// <summary>
/// Judges one pre-edit hook payload with <c>propose</c> and decides: allow, deny (with the reason the agent shows its
/// model), or, when the edit cannot be judged, what the policy's <c>hooks.on_error</c> says (default ask).
/// </summary>
public static class HookJudge
{
    /// <summary>Under Claude Code's 60 s hook limit, so the answer is Aegis's and not the agent's timeout.</summary>
    public const int DefaultTimeoutSeconds = 50;

    /// <summary>A proposed file larger than this is not judged (and so not allowed).</summary>
    public const int MaxFileChars = 2 * 1024 * 1024;

    /// <param name="options">The engine's options for the repository (reads the policy: a corrupt one is an error to report, not a crash).</param>
    public static async Task<HookDecision> JudgeAsync(HookAgent agent, string payload, string repositoryRoot, Func<EngineOptions> options, string outputDirectory, Func<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var onError = HookPolicy.Ask;
        HookRequest? request = null;
        string? file = null;
        try
        {
            var engineOptions = options();
            onError = (engineOptions.Policy ?? new AegisPolicy()).Hooks.OnError;
            request = agent.Parse(HookRequest.ParseObject(payload));
            if (request.NotJudged is not null)
            {
                return new HookDecision(HookDecision.None, "Aegis does not judge this: " + request.NotJudged + ".");
            }

            var root = Path.GetFullPath(repositoryRoot);
            var full = Path.GetFullPath(Path.Combine(root, request.FilePath));
            file = request.FilePath;
            if (!IsInside(root, full))
            {
                return new HookDecision(HookDecision.Deny, "Aegis denies this edit: " + request.FilePath + " is outside the repository " + root + "; an agent's edits stay inside it.", File: request.FilePath);
            }

            file = RepositoryPaths.Relative(root, full);
            var content = request.Content;
            if (request.Edits is not null)
            {
                var original = File.Exists(full) ? await ReadLimitedAsync(full, cancellationToken).ConfigureAwait(false) : "";
                var (edited, problem) = TextEdits.Apply(original, request.Edits);
                if (problem is not null)
                {
                    return new HookDecision(HookDecision.Deny, "Aegis cannot judge this " + request.Tool + " of " + file + ": " + problem + ". Read the file again and retry the edit.", File: file);
                }

                content = edited;
            }

            if ((content ?? request.Patch)!.Length > MaxFileChars)
            {
                throw new AegisException(ErrorCodes.AgentInputRejected, "the proposed " + file + " is larger than " + (MaxFileChars / 1024 / 1024).ToString(CultureInfo.InvariantCulture) + " MiB");
            }

            var action = new ProposedAction { File = file, Content = content, Patch = content is null ? request.Patch : null, Intent = request.Intent, Actor = request.Actor };
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var judging = Proposals.RunAsync(engineOptions, action, outputDirectory, environment, limit.Token);
            // The engine stops at its next cancellation check; the answer must not wait for it.
            if (await Task.WhenAny(judging, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false) != judging)
            {
                limit.Cancel();
                _ = judging.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed: a late failure is not a crash
                throw new TimeoutException();
            }

            var verdict = AgentVerdict.From(await judging.ConfigureAwait(false));
            return new HookDecision(verdict.Allowed ? HookDecision.Allow : HookDecision.Deny, verdict.Describe(file), verdict, file);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var why = exception switch
            {
                AegisException coded => coded.Code + ": " + coded.Message,
                TimeoutException or OperationCanceledException => ErrorCodes.HookNotJudged + ": no answer within " + timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s (aegis hook --timeout)",
                _ => ErrorCodes.HookNotJudged + ": the engine failed: " + exception.GetType().Name + ": " + exception.Message,
            };
            var what = request?.Tool is { Length: > 0 } tool && file is not null ? "this " + tool + " of " + file : "this edit";
            return new HookDecision(onError, "Aegis could not judge " + what + " (" + Masked(why) + "); the policy's hooks.on_error says " + onError + ".", File: file);
        }
    }

    private static bool IsInside(string root, string full)
    {
        var prefix = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private static async Task<string> ReadLimitedAsync(string path, CancellationToken cancellationToken)
        => new FileInfo(path).Length > MaxFileChars * 4L
            ? throw new AegisException(ErrorCodes.AgentInputRejected, "the current " + path + " is too large to judge")
            : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);

    /// <summary>An error message can quote the payload: known token formats never reach the agent.</summary>
    private static string Masked(string text) => RiskCards.SecretMasker.None.Mask(text);
}
