using System.Runtime.CompilerServices;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// Gives this test assembly its own temporary folder: test assemblies run in parallel, and the tests that check a
/// repository sandbox leaves no copy behind must not see another assembly's sandboxes come and go in /tmp.
/// </summary>
internal static class IsolatedTempRoot
{
#pragma warning disable CA2255 // A test assembly is the entry point's own: the initializer must run before any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        var root = Path.Combine(Path.GetTempPath(), "Aegis.Engine.Tests-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        Environment.SetEnvironmentVariable("TMPDIR", root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
    }
}
