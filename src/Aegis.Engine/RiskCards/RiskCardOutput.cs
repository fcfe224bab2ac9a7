using Aegis.Engine.Infrastructure;
using Aegis.Engine.Notifications;
using Aegis.Engine.Policy;

namespace Aegis.Engine.RiskCards;

/// <summary>Where a card was written.</summary>
public sealed record RiskCardFiles(string Json, string Markdown, string Html, string? History, string JsonText, string MarkdownText, string Summary, string SummaryText)
{
    /// <summary>Coded warnings of the steps around the write that did not stop it (an AI explanation that fell back, a
    /// webhook not delivered, the history index not updated), for the front to print.</summary>
    public IReadOnlyList<CardWarning> Warnings { get; init; } = Array.Empty<CardWarning>();
}

/// <summary>Writes <c>risk-card.json</c>, <c>.md</c>, <c>.html</c> and <c>.summary.txt</c> and records the card in the history, all or
/// nothing as far as a full disk goes; appends the Markdown to <c>$GITHUB_STEP_SUMMARY</c> when set.</summary>
public static class RiskCardOutput
{
    /// <summary>The build's summary line, one line: what an up-to-date build logs again without starting the engine.</summary>
    public const string SummaryFileName = "risk-card.summary.txt";

    /// <summary>The plan's path as the card's views link it: relative to the card's folder, with <c>/</c>.</summary>
    public static string PlanLink(string cardDirectory, string planPath)
        => Path.GetRelativePath(Path.GetFullPath(cardDirectory), Path.GetFullPath(planPath)).Replace('\\', '/');

    public static RiskCardFiles Write(RiskCard card, SecretMasker masker, string outputDirectory, string? repositoryRoot, Func<string, string?>? environment = null, HistoryRetention? retention = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        // The policy's outbound steps hang off this one place, so every front's card gets them.
        var outbound = repositoryRoot is null ? null : AegisPolicy.Load(repositoryRoot);
        // Read before anything is written: a refused AegisWebhookUrl stops the run like a refused policy (AEGB087).
        IReadOnlyList<Webhook> webhooks = outbound is null ? Array.Empty<Webhook>() : outbound.Webhooks.Concat(Webhook.FromEnvironment(environment)).ToList();
        var warnings = new List<CardWarning>();
        if (outbound is not null)
        {
            OutboundNotifications.Explain(card, masker, outbound, environment, warnings);
        }

        var json = RiskCardJson.Write(card, masker);
        // A plan `aegis contain` wrote for these same incidents is linked from the views.
        var plan = repositoryRoot is null ? null : Containment.ContainmentPlans.ExistingPlanFor(repositoryRoot, card.Incidents.Select(i => i.Fingerprint));
        var link = plan is null ? null : PlanLink(outputDirectory, plan);
        var markdown = masker.Mask(RiskCardMarkdown.Render(json, link));
        var html = masker.Mask(RiskCardHtml.Render(json, link));
        var jsonPath = Path.Combine(outputDirectory, "risk-card.json");
        var markdownPath = Path.Combine(outputDirectory, "risk-card.md");
        var htmlPath = Path.Combine(outputDirectory, "risk-card.html");
        var summaryPath = Path.Combine(outputDirectory, SummaryFileName);
        var summary = RiskGate.CardLineText(card, Path.GetFullPath(htmlPath), masker);
        var history = repositoryRoot is null ? null : RiskHistory.PathFor(repositoryRoot, card);

        // Every file is written to a temp file first and renamed only once all are written: a full disk or an
        // unwritable folder then fails before anything is replaced, so the previous card (and the history it
        // matches) stays whole, and no card is left in place whose history record was lost.
        var staged = new List<(string Temp, string Path)>();
        try
        {
            try
            {
                Directory.CreateDirectory(outputDirectory);
                staged.Add((AtomicFile.Stage(jsonPath, json), jsonPath));
                staged.Add((AtomicFile.Stage(markdownPath, markdown), markdownPath));
                staged.Add((AtomicFile.Stage(htmlPath, html), htmlPath));
                staged.Add((AtomicFile.Stage(summaryPath, summary + "\n"), summaryPath));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the Risk Card to " + outputDirectory + ": " + exception.Message, exception);
            }

            if (history is not null)
            {
                try
                {
                    // The record is created (never replaced) first: its unique name means a clash is a bug, not a race.
                    if (!AtomicFile.TryCreate(history, json))
                    {
                        throw new AegisException(ErrorCodes.OutputNotWritable, "history record already exists: " + history);
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    throw new AegisException(ErrorCodes.OutputNotWritable, "cannot record history under " + RiskHistory.DirectoryFor(repositoryRoot!) + ": " + exception.Message, exception);
                }
            }

            try
            {
                foreach (var (temp, path) in staged)
                {
                    File.Move(temp, path, overwrite: true);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the Risk Card to " + outputDirectory + ": " + exception.Message, exception);
            }
        }
        finally
        {
            foreach (var (temp, _) in staged)
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        // Each front that records a card bounds the history the same way, right after its own record is in place.
        if (history is not null && retention is not null)
        {
            RiskHistory.Prune(repositoryRoot!, retention, history);
        }

        // Every front's card passes here: its repairs are counted once, and only once it is written.
        if (repositoryRoot is not null)
        {
            Knowledge.KnowledgeBase.RecordCard(repositoryRoot, card, (code, message) => warnings.Add(new CardWarning(code, message)));
        }

        // The index follows the record, never leads it: a failure leaves the card and its record whole (a warning).
        using (EngineTrace.Measure("history index"))
        {
            if (history is not null && History.HistoryIndex.TryRecordCard(repositoryRoot!, history, json) is { } indexWarning)
            {
                warnings.Add(new CardWarning(ErrorCodes.HistoryIndexUnavailable, indexWarning));
            }
        }

        if (environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            try
            {
                File.AppendAllText(stepSummary, markdown + "\n", AtomicFile.Utf8NoBom);
            }
            catch (IOException)
            {
                // The job summary is a convenience; the card itself is written.
            }
        }

        var files = new RiskCardFiles(jsonPath, markdownPath, htmlPath, history, json, markdown, summaryPath, summary);
        if (webhooks.Count > 0)
        {
            OutboundNotifications.Notify(card, masker, files, webhooks, repositoryRoot!, environment, warnings);
        }

        return files with { Warnings = warnings };
    }
}
