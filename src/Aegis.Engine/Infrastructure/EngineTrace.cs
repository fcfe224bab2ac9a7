using System.Diagnostics;
using System.Globalization;

namespace Aegis.Engine.Infrastructure;

/// <summary>
/// Opt-in phase timings on stderr (<c>AEGIS_TRACE=1</c>): <c>aegis: trace &lt;phase&gt; &lt;ms&gt; ms</c>. Off by default,
/// so cards and console output stay unchanged; a disabled phase costs one static read.
/// </summary>
public static class EngineTrace
{
    private static readonly object Gate = new();

    // The warm server traces each request into that request's own stderr, when the request asked for it.
    private static readonly AsyncLocal<TextWriter?> RequestWriter = new();

    private static bool processEnabled = Environment.GetEnvironmentVariable("AEGIS_TRACE") is "1" or "true";

    private static TextWriter processWriter = Console.Error;

    public static bool Enabled { get => processEnabled || RequestWriter.Value is not null; set => processEnabled = value; }

    /// <summary>Where trace lines go; stderr unless a test redirects it (or the request's stderr, in the server).</summary>
    public static TextWriter Writer { get => RequestWriter.Value ?? processWriter; set => processWriter = value; }

    /// <summary>Whether a request's environment asks for the trace.</summary>
    public static bool IsRequested(Func<string, string?> environment) => environment("AEGIS_TRACE") is "1" or "true";

    /// <summary>Traces the current async flow (one server request) into <paramref name="writer"/>.</summary>
    public static void TraceThisRequestTo(TextWriter writer) => RequestWriter.Value = writer;

    /// <summary>Times a phase until disposed.</summary>
    public static Phase Measure(string name) => new(Enabled ? name : null);

    public static void Write(string name, TimeSpan elapsed)
    {
        if (!Enabled)
        {
            return;
        }

        lock (Gate)
        {
            Writer.WriteLine("aegis: trace " + name + " " + elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms");
        }
    }

    /// <summary>A decision worth seeing when timing (which inputs were reused, why not).</summary>
    public static void Note(string text)
    {
        if (Enabled)
        {
            lock (Gate)
            {
                Writer.WriteLine("aegis: trace " + text);
            }
        }
    }

    /// <summary>Time since the process started (runtime start-up and JIT before Main included).</summary>
    public static void WriteSinceProcessStart(string name)
    {
        if (Enabled)
        {
            Write(name, DateTime.Now - Process.GetCurrentProcess().StartTime);
        }
    }

    /// <summary>How much of the run went to the JIT (Roslyn ships without native code, so this is most of a cold run).</summary>
    public static void WriteJitTotals()
    {
        if (Enabled)
        {
            lock (Gate)
            {
                Writer.WriteLine("aegis: trace jit " + System.Runtime.JitInfo.GetCompiledMethodCount().ToString(CultureInfo.InvariantCulture) + " methods "
                    + System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms");
            }
        }
    }

    public readonly struct Phase : IDisposable
    {
        private readonly string? name;
        private readonly long started;

        internal Phase(string? name)
        {
            this.name = name;
            started = name is null ? 0 : Stopwatch.GetTimestamp();
        }

        public void Dispose()
        {
            if (name is not null)
            {
                Write(name, Stopwatch.GetElapsedTime(started));
            }
        }
    }
}
