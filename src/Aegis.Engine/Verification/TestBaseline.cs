using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Verification;

/// <summary>
/// The tests that already fail before a change: the repository sandbox's build and tests run once on an unpatched
/// copy, and the failing test names are kept in <c>.aegis/cache/test-baseline.json</c> under a key made of the commit and a
/// hash of the working-tree changes since it, so the next change on the same state does not pay for that run again.
/// The cache is repository-wide (every test project), so it lives in the repository's state folder, not in one
/// project's obj/; and it survives <c>dotnet clean</c>.
/// </summary>
public sealed class TestBaseline
{
    public const string CacheRelativePath = ".aegis/cache/test-baseline.json";

    internal TestBaseline(string key, bool built, IReadOnlyList<string> failedTests, string source)
    {
        Key = key;
        Built = built;
        FailedTests = failedTests;
        Source = source;
    }

    /// <summary>Commit and working-tree hash the baseline was taken on.</summary>
    public string Key { get; }

    /// <summary>Whether the unpatched copy built; when it did not, no test is known to be red already.</summary>
    public bool Built { get; }

    public IReadOnlyList<string> FailedTests { get; }

    /// <summary>Where the baseline came from, for the card: a run on the unpatched copy, or the cache.</summary>
    public string Source { get; }

    public static async Task<TestBaseline> GetAsync(RepositorySandbox sandbox, string repositoryRoot, string? buildTarget, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(repositoryRoot, cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(repositoryRoot, CacheRelativePath);
        if (TryRead(path, key) is { } cached)
        {
            return cached;
        }

        var run = await sandbox.RunAsync(repositoryRoot, Array.Empty<FileChange>(), buildTarget, Array.Empty<VerifyCommand>(), cancellationToken).ConfigureAwait(false);
        var built = run.Checks.All(c => c.Name != CheckNames.SandboxBuild || c.Passed);
        var failed = run.FailedTests.Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToList();
        try
        {
            AtomicFile.WriteAllText(path, Serialize(key, built, failed));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new TestBaseline(key, built, failed, "run on the unpatched copy; not cached: " + exception.Message);
        }

        return new TestBaseline(key, built, failed, "run on the unpatched copy, cached in " + CacheRelativePath);
    }

    /// <summary>
    /// The commit (<c>git rev-parse HEAD</c>) plus a hash of every file that differs from it (<c>git diff HEAD</c>,
    /// untracked-not-ignored files): path and content. Without git (or a commit), a hash of every file the sandbox
    /// copies. The repository's own state folder (.aegis/) and build output never count.
    /// </summary>
    internal static async Task<string> KeyAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var commit = await RepositorySandbox.GitAsync(repositoryRoot, cancellationToken, "rev-parse", "HEAD").ConfigureAwait(false);
        IEnumerable<string> files;
        if (commit is not null)
        {
            var changed = await RepositorySandbox.GitAsync(repositoryRoot, cancellationToken, "diff", "HEAD", "--name-only").ConfigureAwait(false);
            var untracked = await RepositorySandbox.GitAsync(repositoryRoot, cancellationToken, "ls-files", "--others", "--exclude-standard").ConfigureAwait(false);
            files = (changed ?? "").Split('\n').Concat((untracked ?? "").Split('\n'));
        }
        else
        {
            files = await RepositorySandbox.ListFilesAsync(repositoryRoot, cancellationToken).ConfigureAwait(false);
        }

        var state = new StringBuilder();
        foreach (var file in files.Select(f => f.Trim()).Where(f => f.Length > 0 && !f.StartsWith(".aegis/", StringComparison.Ordinal) && !RepositoryPaths.IsBuildOutput(f)).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal))
        {
            var full = Path.Combine(repositoryRoot, file);
            state.Append(file).Append('\0').Append(File.Exists(full) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))) : "deleted").Append('\n');
        }

        return (commit?.Trim() ?? "no-commit") + ":" + Hashing.Sha256(state.ToString())[..16];
    }

    /// <summary>The cached baseline for <paramref name="key"/>, or null; AEGB005 naming the file when it does not parse
    /// (like every state file, it is then never overwritten).</summary>
    private static TestBaseline? TryRead(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.GetProperty("key").GetString() != key)
            {
                return null; // Another commit or working-tree state: taken again and replaced.
            }

            var failed = root.GetProperty("failed_tests").EnumerateArray().Select(e => e.GetString() ?? "").Where(n => n.Length > 0).ToList();
            return new TestBaseline(key, root.GetProperty("built").GetBoolean(), failed, "cached in " + CacheRelativePath);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new AegisException(ErrorCodes.CorruptStateFile, $"corrupt state file {path}: {exception.Message} Fix or delete it (it is not overwritten).", exception);
        }
    }

    private static string Serialize(string key, bool built, IReadOnlyList<string> failed)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WriteBoolean("built", built);
            writer.WriteStartArray("failed_tests");
            foreach (var name in failed)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
