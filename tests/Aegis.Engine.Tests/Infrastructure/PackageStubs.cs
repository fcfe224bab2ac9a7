using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// Tiny stand-ins for NuGet packages (Dapper, Microsoft.Data.SqlClient, a payments SDK), compiled to DLLs in a test's
/// folder: a project references them the way a build references a package, but this test host does not load them,
/// so a file scanned on its own cannot bind their types.
/// </summary>
public static class PackageStubs
{
    public const string Dapper = """
        using System.Collections.Generic;
        using System.Data;

        namespace Dapper
        {
            public static class SqlMapper
            {
                public static IEnumerable<T> Query<T>(this IDbConnection cnn, string sql, object param = null) => throw null;

                public static int Execute(this IDbConnection cnn, string sql, object param = null) => throw null;
            }
        }
        """;

    public const string SqlClient = """
        using System.Data;
        using System.Data.Common;

        namespace Microsoft.Data.SqlClient
        {
            public sealed class SqlCommand : DbCommand
            {
                public override string CommandText { get; set; }
                public override int CommandTimeout { get; set; }
                public override CommandType CommandType { get; set; }
                public override UpdateRowSource UpdatedRowSource { get; set; }
                public override bool DesignTimeVisible { get; set; }
                protected override DbConnection DbConnection { get; set; }
                protected override DbParameterCollection DbParameterCollection => throw null;
                protected override DbTransaction DbTransaction { get; set; }
                public override void Cancel() { }
                public override int ExecuteNonQuery() => 0;
                public override object ExecuteScalar() => null;
                public override void Prepare() { }
                protected override DbParameter CreateDbParameter() => throw null;
                protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw null;
            }
        }
        """;

    public const string Payments = """
        namespace Payments
        {
            public sealed class PaymentsClient
            {
                public PaymentsClient(string apiKey) { }
            }
        }
        """;

    /// <summary>Compiles each (assembly name, source) to <c>packages/&lt;name&gt;.dll</c> under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Write(TempDirectory directory, params (string Name, string Source)[] packages)
    {
        var paths = new List<string>();
        foreach (var (name, source) in packages)
        {
            var compilation = CSharpCompilation.Create(
                name,
                new[] { CSharpSyntaxTree.ParseText(source) },
                ShopSources.References.Select(r => MetadataReference.CreateFromFile(r)),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var path = Path.Combine(directory.Path, "packages", name + ".dll");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var emitted = compilation.Emit(path);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            paths.Add(path);
        }

        return paths;
    }
}
