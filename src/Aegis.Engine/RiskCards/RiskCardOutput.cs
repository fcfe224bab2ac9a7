using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.RiskCards;

/// <summary>Where a card was written.</summary>
public sealed record RiskCardFiles(string Json, string Markdown, string Html, string? History, string JsonText, string MarkdownText);

/// <summary>Writes <c>risk-card.json</c>, <c>.md</c> and <c>.html</c> (atomically), appends the Markdown to
/// <c>$GITHUB_STEP_SUMMARY</c> when set, and records the card in the history.</summary>
public static class RiskCardOutput
{
    public static RiskCardFiles Write(RiskCard card, SecretMasker masker, string outputDirectory, string? repositoryRoot, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var json = RiskCardJson.Write(card, masker);
        var markdown = masker.Mask(RiskCardMarkdown.Render(json));
        var html = masker.Mask(RiskCardHtml.Render(json));
        var jsonPath = Path.Combine(outputDirectory, "risk-card.json");
        var markdownPath = Path.Combine(outputDirectory, "risk-card.md");
        var htmlPath = Path.Combine(outputDirectory, "risk-card.html");
        try
        {
            Directory.CreateDirectory(outputDirectory);
            AtomicFile.WriteAllText(jsonPath, json);
            AtomicFile.WriteAllText(markdownPath, markdown);
            AtomicFile.WriteAllText(htmlPath, html);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the Risk Card to " + outputDirectory + ": " + exception.Message, exception);
        }

        if (environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            try
            {
                File.AppendAllText(summary, markdown + "\n", AtomicFile.Utf8NoBom);
            }
            catch (IOException)
            {
                // The job summary is a convenience; the card itself is written.
            }
        }

        string? history = null;
        if (repositoryRoot is not null)
        {
            try
            {
                history = RiskHistory.Record(repositoryRoot, card, json);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new AegisException(ErrorCodes.OutputNotWritable, "cannot record history under " + RiskHistory.DirectoryFor(repositoryRoot) + ": " + exception.Message, exception);
            }
        }

        return new RiskCardFiles(jsonPath, markdownPath, htmlPath, history, json, markdown);
    }
}
