using System.Globalization;

namespace Aegis.Bench;

/// <summary>Command-line options. Every option has a default, so a bare run measures the usual case.</summary>
internal sealed class BenchOptions
{
    public int Lines { get; private set; } = 200_000;

    public int Projects { get; private set; } = 5;

    public IReadOnlyList<string> Suites { get; private set; } = ["builds", "latency", "engine", "editbuild"];

    public IReadOnlyList<string> Configurations { get; private set; } = Peers.Every.Select(c => c.Name).ToList();

    public int LatencyRuns { get; private set; } = 15;

    public int DocumentLines { get; private set; } = 2_000;

    public bool Warmup { get; private set; } = true;

    public bool EngineOnGenerated { get; private set; }

    public bool KeepGenerated { get; private set; }

    public int Seed { get; private set; } = 42;

    public int Runs { get; private set; } = 3;

    public double FindingRate { get; private set; } = 0.2;

    public string? JsonPath { get; private set; }

    public string Configuration { get; private set; } = "Release";

    public IReadOnlyList<string> Targets { get; private set; } = ["sample", "small", "generated"];

    /// <summary>The small-projects target: this many feature libraries of about <see cref="SmallProjectLines"/> lines each (plus a host).</summary>
    public int SmallProjects { get; private set; } = 6;

    public const int SmallProjectLines = 2000;

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromMinutes(20);

    public string? OutDirectory { get; private set; }

    public bool GenerateOnly { get; private set; }

    public bool Help { get; private set; }

    public const string Usage = """
        Usage: dotnet run --project bench/Aegis.Bench -c Release -- [options]

          --suite LIST       comma-separated: builds,latency,engine,editbuild,control (default builds,latency,engine,editbuild)
          --lines N          size of the generated solution in lines of C# (default 200000)
          --projects N       projects in the generated solution: 1 host + N-1 feature libraries (default 5)
          --configs LIST     builds suite: baseline,aegis,securitycodescan,sonar,netanalyzers,sidebyside (default all;
                             sidebyside = Aegis + the SDK's CA2100, CA3001, CA5390 in the same build)
          --latency-runs N   latency suite: timed runs per rule after one warm-up; the median is reported (default 15)
          --document-lines N latency suite: size of the merged document (default 2000)
          --no-warmup        builds suite: skip the untimed warm-up build per target
          --engine-generated engine suite: also run file mode on the generated solution
          --keep-generated   do not delete an earlier generation (same seed/size: same files); latency reuses its build log
          --seed N           generator seed; same seed, same project (default 42)
          --runs N           timed builds per target and configuration; the median is reported (default 3)
          --finding-rate X   share of SQL sinks, secret slots and endpoints that are findings, 0..1 (default 0.2)
          --targets LIST     comma-separated: sample,small,generated (default all; a missing sample is skipped;
                             small = a solution of --small-projects libraries of ~2,000 lines each)
          --small-projects N small target: feature libraries of ~2,000 lines, plus a host (default 6)
          --configuration C  configuration of the measured builds and of the analyzer (default Release)
          --timeout SECONDS  limit for each dotnet process (default 1200)
          --out DIR          working directory (default bench/out)
          --json FILE        also write the figures as JSON
          --generate-only    write the generated project and stop
          -h, --help         this text
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--lines":
                    options.Lines = PositiveInt(name, Value());
                    break;
                case "--projects":
                    options.Projects = PositiveInt(name, Value());
                    break;
                case "--suite":
                case "--suites":
                    options.Suites = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (options.Suites.Any(t => t is not ("builds" or "latency" or "engine" or "editbuild" or "control")))
                    {
                        throw new ArgumentException("--suite takes builds, latency, engine, editbuild and/or control");
                    }

                    break;
                case "--configs":
                    options.Configurations = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(c => Peers.Find(c).Name).ToList();
                    break;
                case "--latency-runs":
                    options.LatencyRuns = PositiveInt(name, Value());
                    break;
                case "--document-lines":
                    options.DocumentLines = PositiveInt(name, Value());
                    break;
                case "--no-warmup":
                    options.Warmup = false;
                    break;
                case "--keep-generated":
                    options.KeepGenerated = true;
                    break;
                case "--engine-generated":
                    options.EngineOnGenerated = true;
                    break;
                case "--seed":
                    options.Seed = int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                    break;
                case "--runs":
                    options.Runs = PositiveInt(name, Value());
                    break;
                case "--finding-rate":
                    options.FindingRate = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (options.FindingRate is < 0 or > 1)
                    {
                        throw new ArgumentException("--finding-rate must be between 0 and 1");
                    }

                    break;
                case "--targets":
                    options.Targets = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (options.Targets.Any(t => t is not ("sample" or "small" or "generated")))
                    {
                        throw new ArgumentException("--targets takes sample, small and/or generated");
                    }

                    break;
                case "--small-projects":
                    options.SmallProjects = int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                    if (options.SmallProjects < 1)
                    {
                        throw new ArgumentException("--small-projects must be at least 1");
                    }

                    break;
                case "--configuration":
                case "-c":
                    options.Configuration = Value();
                    break;
                case "--timeout":
                    options.Timeout = TimeSpan.FromSeconds(PositiveInt(name, Value()));
                    break;
                case "--out":
                    options.OutDirectory = Value();
                    break;
                case "--json":
                    options.JsonPath = Value();
                    break;
                case "--generate-only":
                    options.GenerateOnly = true;
                    break;
                case "-h":
                case "--help":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {name}");
            }
        }

        return options;
    }

    private static int PositiveInt(string name, string text)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"{name} needs a positive integer, got '{text}'");
        }

        return value;
    }
}
