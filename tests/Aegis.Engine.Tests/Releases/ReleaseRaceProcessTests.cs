using System.Diagnostics;
using System.Text.Json;
using Aegis.Engine.Infrastructure;
using Aegis.Engine.Releases;
using Aegis.Engine.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aegis.Engine.Tests.Releases;

/// <summary>
/// Two actors racing on one release, as two engine processes (<c>dotnet Aegis.Cli.dll release …</c>) started at
/// once, round after round: exactly one wins, the other gets a coded error and writes nothing, and the files on disk
/// are whole and agree with each other after every round.
/// </summary>
[Trait("Category", "Releases")]
public sealed class ReleaseRaceProcessTests(ITestOutputHelper output)
{
    private static readonly string Engine = CliUnderTest.Path;

    [Fact(Timeout = 5 * 60_000)]
    public async Task TwoProcessesRacing_ExactlyOneWins_TheOtherGetsACodedError_NoTornState()
    {
        using var repository = new ReleaseRepository();
        var conflicts = 0;
        for (var releaseNumber = 1; releaseNumber <= 3; releaseNumber++)
        {
            // Both actors create at once: two releases, two distinct ids.
            string[] create = ["create", "--card", repository.Card, "--name", "r" + releaseNumber];
            var created = await RaceAsync(repository, create, create);
            Assert.All(created, r => Assert.True(r.ExitCode == 0, r.ToString()));
            var ids = created.Select(r => JsonDocument.Parse(r.Stdout).RootElement.GetProperty("id").GetString()!).ToList();
            Assert.Equal(new[] { $"rel-{2 * releaseNumber - 1:0000}", $"rel-{2 * releaseNumber:0000}" }, ids.Order(StringComparer.Ordinal));
            var id = ids[0];

            // approve ×2, then four advances each guarded by --from, then rollback against reject.
            List<string[]> rounds = [["approve", id]];
            rounds.AddRange(new[] { "approved", "canary", "staged", "broad" }.Select(from => new[] { "advance", id, "--from", from }));
            string[][] closing = [["rollback", id], ["reject", id]];
            foreach (var round in rounds.Append(closing[0]))
            {
                var before = repository.Store().Load(id);
                var racers = round[0] == "rollback" ? new[] { closing[0], closing[1] } : new[] { round, round };
                var results = await RaceAsync(repository, racers);

                var winners = results.Where(r => r.ExitCode == 0).ToList();
                var losers = results.Where(r => r.ExitCode != 0).ToList();
                Assert.True(winners.Count == 1, "expected exactly one winner:\n" + string.Join("\n", results));
                var loser = Assert.Single(losers);
                Assert.Equal(2, loser.ExitCode);
                var code = JsonDocument.Parse(loser.Stdout).RootElement.GetProperty("error").GetProperty("code").GetString();
                Assert.True(code is ErrorCodes.ReleaseConflict or ErrorCodes.IllegalReleaseTransition, loser.ToString());
                Assert.Contains("aegis: error " + code + ": ", loser.Stderr, StringComparison.Ordinal);
                conflicts += code == ErrorCodes.ReleaseConflict ? 1 : 0;

                AssertWholeAndConsistent(repository, id, before.Sequence + 1);
            }

            Assert.False(repository.Store().Load(id).IsOpen);
        }

        output.WriteLine($"losers that read the same state and lost the create-new (or the --from guard): {conflicts} of 21 rounds");
    }

    private static void AssertWholeAndConsistent(ReleaseRepository repository, string id, int expectedSequence)
    {
        var release = repository.Store().Load(id); // every transition parses and follows the one before
        Assert.Equal(expectedSequence, release.Sequence);
        var folder = repository.PathOf($".aegis/releases/{id}");
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "release.json")));
        Assert.Equal(release.State, summary.RootElement.GetProperty("state").GetString());
        Assert.Equal(release.Sequence, summary.RootElement.GetProperty("sequence").GetInt32());
        Assert.Equal(FeatureManagementFlags.Render(release.Name, release.FlagEnabled, release.FlagEnabled ? release.Weight : 0), File.ReadAllText(Path.Combine(folder, "feature-management.json")));
        Assert.Equal(FlagdFlags.Render(release.Name, release.FlagEnabled, release.FlagEnabled ? release.Weight : 0), File.ReadAllText(Path.Combine(folder, "flagd.json")));
        Assert.Equal(ReleaseGate.Evaluate(release).ToJson(), File.ReadAllText(Path.Combine(folder, "gate.json")));
    }

    /// <summary>Starts one engine process per argument list, all before waiting for any.</summary>
    private async Task<IReadOnlyList<ProcessResult>> RaceAsync(ReleaseRepository repository, params string[][] racers)
    {
        var processes = racers.Select((arguments, index) =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repository.Root };
            foreach (var argument in new[] { Engine, "release" }.Concat(arguments).Concat(["--actor", "actor-" + index, "--json", "--repository-root", repository.Root]))
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start)!;
        }).ToList();
        var results = new List<ProcessResult>();
        foreach (var process in processes)
        {
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await process.WaitForExitAsync(timeout.Token);
                results.Add(new ProcessResult(process.ExitCode, await stdout, await stderr));
            }
        }

        foreach (var result in results)
        {
            output.WriteLine(result.ToString());
        }

        return results;
    }

    private sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n{Stdout}{Stderr}";
    }
}
