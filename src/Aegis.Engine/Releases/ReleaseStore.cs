using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Policy;
using Aegis.Engine.RiskCards;

namespace Aegis.Engine.Releases;

/// <summary>
/// <c>.aegis/releases/&lt;id&gt;/</c>: one file per transition (<c>transitions/0001.json</c>, <c>0002.json</c> …), each
/// created once by an atomic create-new, so of two actors who read the same state only the first to create the next
/// number wins; the other gets AEGB021 and writes nothing. The current state is derived from the transitions; the
/// summary <c>release.json</c> and the exports are rewritten from them after every transition.
/// </summary>
public sealed partial class ReleaseStore
{
    public const string FolderName = "releases";
    public const string TransitionsFolder = "transitions";
    public const string SummaryFile = "release.json";

    private const string IdPrefix = "rel-";
    private static readonly TimeSpan ExportLockTimeout = TimeSpan.FromSeconds(30);

    private readonly string repositoryRoot;
    private readonly ReleasePolicy policy;
    private readonly TimeProvider time;

    public ReleaseStore(string repositoryRoot, AegisPolicy policy, TimeProvider? time = null)
    {
        this.repositoryRoot = Path.GetFullPath(repositoryRoot);
        this.policy = policy.Releases;
        this.time = time ?? TimeProvider.System;
    }

    public string Folder => Path.Combine(repositoryRoot, ".aegis", FolderName);

    /// <summary>Creates a candidate from a Risk Card; one whose recommendation is not <c>approved_for_rollout</c> needs <paramref name="force"/>.</summary>
    public Release Create(string cardPath, string? name, string actor, string? reason, bool force)
    {
        var card = ReleaseCardReference.Read(repositoryRoot, cardPath);
        if (name is not null && !ValidName().IsMatch(name))
        {
            throw new AegisException(ErrorCodes.BadReleaseInput, $"release name '{name}' is not a flag name: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        string? forceNote = null;
        if (!card.IsApprovedForRollout)
        {
            if (!force)
            {
                throw new AegisException(ErrorCodes.CardNotApprovedForRollout, $"the Risk Card {card.Path} recommends {card.Recommendation}, not approved_for_rollout; nothing written. Pass --force to create the release anyway (the record says so)");
            }

            forceNote = $"created with --force from a card that recommends {card.Recommendation}";
        }

        // Ids are numbered; two creators racing for one number both try to create its first transition, and the loser
        // takes the next number.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            // The loser sees the winner's folder on its next look, so the next number is always free of gaps.
            var id = IdPrefix + (ExistingIds().Select(NumberOf).DefaultIfEmpty(0).Max() + 1).ToString("0000", CultureInfo.InvariantCulture);
            var definition = new ReleaseDefinition(name ?? id, card, forceNote is not null, forceNote);
            var transition = new ReleaseTransition(id, 1, ReleaseStates.Create, null, ReleaseStates.Candidate, 0, Clean(actor), Clean(reason), Now(), definition);
            if (TryCreateNew(TransitionPath(id, 1), transition.ToJson()))
            {
                return WriteOutputs(id);
            }
        }

        throw new AegisException(ErrorCodes.ReleaseConflict, "could not allocate a release id after 1000 attempts; nothing written");
    }

    /// <summary>
    /// Approve, advance, reject or roll back: AEGB020 when the move is illegal, AEGB021 when another actor moved first.
    /// With <paramref name="expectedFrom"/> the move applies only from that state (AEGB021 otherwise), so two
    /// pipelines that both mean "canary → staged" cannot advance twice one after the other.
    /// </summary>
    public Release Apply(string id, string action, string actor, string? reason, string? expectedFrom = null)
    {
        var release = Load(id);
        SummaryMustParse(id);
        if (expectedFrom is not null && expectedFrom != release.State)
        {
            if (!ReleaseStates.Open.Contains(expectedFrom) && expectedFrom is not (ReleaseStates.Rejected or ReleaseStates.RolledBack))
            {
                throw new AegisException(ErrorCodes.BadReleaseInput, $"--from '{expectedFrom}' is not a release state ({string.Join(", ", ReleaseStates.Open)}, {ReleaseStates.Rejected}, {ReleaseStates.RolledBack})");
            }

            throw new AegisException(ErrorCodes.ReleaseConflict,
                $"release {id} is {release.State}, not {expectedFrom} (transition {release.Sequence}: {release.Last.Action} by {release.Last.Actor} at {release.Last.At}); nothing written");
        }

        var to = action == ReleaseStates.Create ? null : ReleaseStates.Target(action, release.State);
        if (to is null)
        {
            var legal = ReleaseStates.LegalFrom(release.State);
            throw new AegisException(ErrorCodes.IllegalReleaseTransition,
                $"release {id} is {release.State}: cannot {action} it ({(legal.Count == 0 ? "it is closed; no action is possible" : "possible: " + string.Join(", ", legal))}); nothing written");
        }

        var transition = new ReleaseTransition(id, release.Sequence + 1, action, release.State, to, policy.WeightOf(to), Clean(actor), Clean(reason), Now());
        if (!TryCreateNew(TransitionPath(id, transition.Sequence), transition.ToJson()))
        {
            var winner = Load(id).Transitions.FirstOrDefault(t => t.Sequence == transition.Sequence);
            var who = winner is null ? "" : $" ({winner.Actor} recorded {winner.Action}: {winner.From} → {winner.To} at {winner.At})";
            throw new AegisException(ErrorCodes.ReleaseConflict,
                $"release {id} changed while this {action} was being recorded: transition {transition.Sequence} was taken by another actor{who}; nothing written. Run 'aegis release show {id}' and decide again");
        }

        return WriteOutputs(id);
    }

    public IReadOnlyList<Release> List()
        => ExistingIds().OrderBy(NumberOf).Where(id => TransitionFiles(id).Count > 0).Select(Load).ToList();

    /// <summary>Reads every transition of <paramref name="id"/>; AEGB022 when there is no such release, AEGB005 naming a corrupt file.</summary>
    public Release Load(string id)
    {
        if (!IdPattern().IsMatch(id) || TransitionFiles(id) is not { Count: > 0 } files)
        {
            throw new AegisException(ErrorCodes.ReleaseNotFound, $"no release '{id}' under {Folder}" + (ExistingIds().Any() ? $" (releases: {string.Join(", ", ExistingIds().OrderBy(NumberOf))})" : ""));
        }

        var transitions = new List<ReleaseTransition>();
        foreach (var (sequence, path) in files)
        {
            ReleaseTransition transition;
            try
            {
                transition = ReleaseTransition.Parse(ReadTransition(path));
            }
            catch (FormatException exception)
            {
                throw Corrupt(path, exception.Message);
            }

            var expected = transitions.Count + 1;
            if (sequence != expected)
            {
                throw Corrupt(path, $"transition {expected} is missing before it");
            }

            if (transition.Sequence != sequence || transition.Release != id)
            {
                throw Corrupt(path, $"it says release {transition.Release} transition {transition.Sequence}, but its path says {id} transition {sequence}");
            }

            if (transition.From != (transitions.Count == 0 ? null : transitions[^1].To) || (sequence == 1) != (transition.Definition is not null))
            {
                throw Corrupt(path, $"it moves from '{transition.From ?? "nothing"}', but the release was {(transitions.Count == 0 ? "not created yet" : transitions[^1].To)}");
            }

            transitions.Add(transition);
        }

        return new Release(id, transitions);
    }

    public ReleaseGateAnswer Gate(string id) => ReleaseGate.Evaluate(Load(id));

    /// <summary>Where each export of <paramref name="release"/> goes, as repository-relative paths.</summary>
    public IReadOnlyDictionary<string, string> ExportPaths(Release release)
        => ReleasePolicy.DefaultExports.Keys.ToDictionary(e => e, e => RepositoryPaths.Relative(repositoryRoot, policy.ExportPath(repositoryRoot, e, release.Id, release.Name)));

    /// <summary>
    /// Rewrites the summary and the exports from the transitions on disk, under a per-release lock, so a writer that
    /// lost the CPU between its transition and its exports never leaves an older state in the files than a later writer.
    /// </summary>
    private Release WriteOutputs(string id)
    {
        var lockPath = Path.Combine(ReleaseFolder(id), ".exports.lock");
        using var exportLock = AcquireLock(lockPath);
        var release = Load(id);
        var exports = ExportPaths(release);
        try
        {
            var flag = release.Flag;
            FeatureManagementFlags.Write(policy.ExportPath(repositoryRoot, ReleasePolicy.FeatureManagementExport, release.Id, release.Name), new[] { flag });
            FlagdFlags.Write(policy.ExportPath(repositoryRoot, ReleasePolicy.FlagdExport, release.Id, release.Name), new[] { flag });
            AtomicFile.WriteAllText(policy.ExportPath(repositoryRoot, ReleasePolicy.GateExport, release.Id, release.Name), ReleaseGate.Evaluate(release).ToJson());
            AtomicFile.WriteAllText(Path.Combine(ReleaseFolder(id), SummaryFile), release.ToJson(exports));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable,
                $"release {id} is {release.State} (transition {release.Sequence} is recorded), but its exports could not be written: {exception.Message}");
        }

        return release;
    }

    /// <summary>
    /// Creates <paramref name="path"/> only if no file has that name (<c>FileMode.CreateNew</c>: O_CREAT|O_EXCL, one
    /// winner however many processes try), and writes it while holding it exclusively; false when it already existed.
    /// </summary>
    private static bool TryCreateNew(string path, string content)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AegisException(ErrorCodes.OutputNotWritable, $"cannot write {path}: {exception.Message}; nothing written", exception);
        }

        try
        {
            using (stream)
            {
                stream.Write(AtomicFile.Utf8NoBom.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A transition that could not be written whole (a full disk) must not stay behind as a torn record.
            File.Delete(path);
            throw new AegisException(ErrorCodes.OutputNotWritable, $"cannot write {path}: {exception.Message}; nothing written", exception);
        }
    }

    /// <summary>
    /// A transition another process is creating this instant is held exclusively or still empty: wait for it (bounded)
    /// rather than call it corrupt. One that stays empty or unreadable is what it is, and the caller names it.
    /// </summary>
    private static string ReadTransition(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                var text = File.ReadAllText(path, AtomicFile.Utf8NoBom);
                if (text.Length > 0 || DateTime.UtcNow >= deadline)
                {
                    return text;
                }
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
            }

            Thread.Sleep(10);
        }
    }

    private static IDisposable AcquireLock(string path) => FileLock.Acquire(path, ExportLockTimeout);

    /// <summary>The summary is derived, but a hand-edited one that no longer parses is still never overwritten silently.</summary>
    private void SummaryMustParse(string id)
    {
        var path = Path.Combine(ReleaseFolder(id), SummaryFile);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(path, "expected a JSON object");
            }
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, exception.Message);
        }
    }

    private IReadOnlyList<(int Sequence, string Path)> TransitionFiles(string id)
    {
        var folder = Path.Combine(ReleaseFolder(id), TransitionsFolder);
        if (!Directory.Exists(folder))
        {
            return Array.Empty<(int, string)>();
        }

        // Hidden files are the atomic writer's temp files; anything else that is not NNNN.json is not ours.
        return Directory.EnumerateFiles(folder, "*.json")
            .Select(path => (Match: TransitionName().Match(Path.GetFileName(path)), Path: path))
            .Where(f => f.Match.Success)
            .Select(f => (int.Parse(f.Match.Groups[1].Value, CultureInfo.InvariantCulture), f.Path))
            .OrderBy(f => f.Item1)
            .ToList();
    }

    private IEnumerable<string> ExistingIds()
        => Directory.Exists(Folder)
            ? Directory.EnumerateDirectories(Folder).Select(Path.GetFileName).OfType<string>().Where(name => IdPattern().IsMatch(name))
            : Enumerable.Empty<string>();

    private static int NumberOf(string id) => int.Parse(id[IdPrefix.Length..], CultureInfo.InvariantCulture);

    private string ReleaseFolder(string id) => Path.Combine(Folder, id);

    private string TransitionPath(string id, int sequence)
        => Path.Combine(ReleaseFolder(id), TransitionsFolder, sequence.ToString("0000", CultureInfo.InvariantCulture) + ".json");

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Actor and reason are free text: one line, known token formats masked (nothing written holds a secret).</summary>
    private static string Clean(string? text)
        => SecretMasker.None.Mask((text ?? "").Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Trim());

    private static AegisException Corrupt(string path, string message)
        => new(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {message}; fix or delete it (it is not overwritten)");

    [GeneratedRegex(@"^rel-\d{4,9}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(\d{4,9})\.json$")]
    private static partial Regex TransitionName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
