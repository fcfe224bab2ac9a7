using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using Aegis.Engine.RiskCards;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Aegis.Engine.Notifications;

/// <summary>What the AI step gave the card: its explanation and source, and the reason when it fell back to the plain one.</summary>
public sealed record ExplanationOutcome(string Explanation, string Source, string? FallbackReason);

/// <summary>
/// Rewrites a card's explanation through any OpenAI-compatible endpoint (<see cref="IChatClient"/>). The model sees
/// only masked text (verdict, plain explanation, incidents' rule, place and message; never the diff, evidence or
/// output); its answer must be non-empty, at most 280 characters and free of secrets, else the plain explanation stays.
/// </summary>
public static class AiExplanation
{
    /// <summary>The card's <c>explanation</c> bound (DESIGN).</summary>
    public const int MaxLength = 280;

    public const string PlainSource = "plain";

    /// <summary>At most this many incidents are described to the model (the card's first, by its own order).</summary>
    private const int MaxIncidents = 10;

    private const string Instructions =
        "You explain a security Risk Card from a C# build to the developer who made the change. Answer in plain English, " +
        "one or two sentences, at most 280 characters, no code, no markdown, no secrets. Say what is risky and what to do next.";

    public static string SourceFor(string model) => "ai:" + model;

    /// <summary>What the card's views add after an AI-written explanation (<c>explanation by ai:&lt;model&gt;</c>), or null for the plain one or an older card.</summary>
    public static string? SourceNote(System.Text.Json.JsonElement card)
        => card.TryGetProperty("explanation_source", out var source) && source.GetString() is { } text && text != PlainSource ? "explanation by " + text : null;

    /// <summary>The masked text the model is shown; nothing else of the card is sent.</summary>
    public static string Prompt(RiskCard card, SecretMasker masker)
    {
        var text = new StringBuilder()
            .Append("Status: ").Append(card.Status).Append('\n')
            .Append("Risk: ").Append(card.RiskLevel).Append(' ').Append(card.RiskScore.ToString(CultureInfo.InvariantCulture)).Append("/100\n")
            .Append("Recommendation: ").Append(card.Recommendation).Append('\n')
            .Append("Plain explanation: ").Append(card.Explanation).Append('\n')
            .Append("Incidents (").Append(card.Incidents.Count.ToString(CultureInfo.InvariantCulture)).Append("):\n");
        foreach (var incident in card.Incidents.Take(MaxIncidents))
        {
            text.Append("- ").Append(incident.Rule).Append(' ').Append(incident.Severity).Append(' ')
                .Append(incident.File).Append(':').Append(incident.Line.ToString(CultureInfo.InvariantCulture)).Append(": ").Append(incident.Message).Append('\n');
        }

        foreach (var tampering in card.Tampering)
        {
            text.Append("- tampering (").Append(tampering.Verdict).Append("): ").Append(tampering.Title).Append(" in ").Append(tampering.File).Append('\n');
        }

        return masker.Mask(text.ToString());
    }

    /// <summary>Asks the endpoint; any failure (no key, timeout, HTTP error, malformed, empty, too long, a secret) is the plain explanation with its reason. Never throws.</summary>
    public static async Task<ExplanationOutcome> ExplainAsync(RiskCard card, SecretMasker masker, ExplanationSettings settings, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var plain = new Func<string, ExplanationOutcome>(reason => new ExplanationOutcome(card.Explanation, PlainSource, reason));
        var (key, missing) = settings.ReadKey(environment);
        if (key is null)
        {
            return plain("no API key: " + missing);
        }

        string answer;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var options = new OpenAIClientOptions
            {
                Endpoint = settings.Endpoint,
                NetworkTimeout = settings.Timeout,
                // One try: the timeout bounds the whole step, and a fallback is always at hand.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            };
            using var client = new OpenAI.Chat.ChatClient(settings.Model, new ApiKeyCredential(key), options).AsIChatClient();
            var response = await client.GetResponseAsync(
                new[] { new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, Prompt(card, masker)) },
                new ChatOptions { Temperature = 0, MaxOutputTokens = 200 },
                timeout.Token).ConfigureAwait(false);
            answer = response.Text ?? "";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return plain("timed out after " + settings.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s");
        }
        catch (ClientResultException exception)
        {
            return plain(exception.Status > 0 ? "HTTP " + exception.Status.ToString(CultureInfo.InvariantCulture) + " from the endpoint" : "the endpoint failed: " + FirstLine(exception.Message));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return plain("malformed or failed response: " + exception.GetType().Name + ": " + FirstLine(exception.Message));
        }

        return Check(answer, masker, settings.Model, plain);
    }

    /// <summary>The answer on one line, if it is usable as the card's explanation.</summary>
    internal static ExplanationOutcome Check(string answer, SecretMasker masker, string model, Func<string, ExplanationOutcome> plain)
    {
        var line = string.Join(' ', answer.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length == 0)
        {
            return plain("empty answer");
        }

        if (line.Length > MaxLength)
        {
            return plain("answer too long (" + line.Length.ToString(CultureInfo.InvariantCulture) + " characters, at most " + MaxLength.ToString(CultureInfo.InvariantCulture) + ")");
        }

        // A secret in the answer (echoed, or made up in a known format) means the answer is not trusted at all.
        return masker.Mask(line) == line ? new ExplanationOutcome(line, SourceFor(model), null) : plain("the answer contained a secret");
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
