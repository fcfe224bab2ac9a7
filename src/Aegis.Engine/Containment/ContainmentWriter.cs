using Aegis.Engine.Infrastructure;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Containment;

/// <summary>Where a plan was written.</summary>
public sealed record ContainmentFiles(string Directory, string Plan, IReadOnlyList<string> Artifacts, IReadOnlyList<string> CardViews);

/// <summary>Writes a plan's files (each atomically, the plan last, so a plan never lists a file that is not there yet)
/// and re-renders the card's Markdown and HTML beside its JSON so they link the plan.</summary>
public static class ContainmentWriter
{
    public static ContainmentFiles Write(ContainmentPlan plan, string directory, string repositoryRoot, string? cardPath, string? eventPath)
    {
        var written = new List<string>();
        string planPath;
        try
        {
            foreach (var (relative, content) in plan.Files)
            {
                var path = Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
                AtomicFile.WriteAllText(path, content);
                written.Add(path);
            }

            planPath = Path.Combine(directory, ContainmentPlan.PlanFileName);
            AtomicFile.WriteAllText(planPath, ContainmentPlanJson.Write(plan, Display(repositoryRoot, cardPath), Display(repositoryRoot, eventPath)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot write the containment plan to " + directory + ": " + exception.Message, exception);
        }

        var views = cardPath is null ? Array.Empty<string>() : RelinkCard(cardPath, planPath);
        return new ContainmentFiles(directory, planPath, written, views);
    }

    /// <summary>The card's <c>risk-card.md</c>/<c>.html</c> beside its JSON, rendered again with the plan's link; only
    /// views that exist are rewritten (a history record has none).</summary>
    private static IReadOnlyList<string> RelinkCard(string cardPath, string planPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(cardPath))!;
        var markdown = Path.Combine(folder, Path.GetFileNameWithoutExtension(cardPath) + ".md");
        var html = Path.Combine(folder, Path.GetFileNameWithoutExtension(cardPath) + ".html");
        var rewritten = new List<string>();
        if (!File.Exists(markdown) && !File.Exists(html))
        {
            return rewritten;
        }

        var json = File.ReadAllText(cardPath);
        var link = RiskCardOutput.PlanLink(folder, planPath);
        try
        {
            if (File.Exists(markdown))
            {
                AtomicFile.WriteAllText(markdown, RiskCardMarkdown.Render(json, link));
                rewritten.Add(markdown);
            }

            if (File.Exists(html))
            {
                AtomicFile.WriteAllText(html, RiskCardHtml.Render(json, link));
                rewritten.Add(html);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, "cannot link the plan from the card's views in " + folder + ": " + exception.Message, exception);
        }

        return rewritten;
    }

    private static string? Display(string repositoryRoot, string? path)
    {
        if (path is null)
        {
            return null;
        }

        var relative = Path.GetRelativePath(repositoryRoot, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(path) : relative.Replace('\\', '/');
    }
}
