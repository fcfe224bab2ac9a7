using Aegis.Analyzers.Infrastructure;
using Aegis.Engine.Analysis;
using Aegis.Engine.Compilation;
using Aegis.Engine.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Engine.Tests.Snapshots;

/// <summary>The shared incident identity (analyzer assembly): fingerprints as every card so far, symbols, secret hashes.</summary>
public sealed class IncidentIdentityTests
{
    // Literal values of the formula cards have always used (sha256 of rule \n file \n normalised masked evidence).
    [Theory]
    [InlineData("AEG001", "src/Shop/Orders.cs", "new SqlCommand(\"SELECT * FROM Orders WHERE Id = \" + id, connection)", "adad4e5b4a66b04d79b86f5b13527e409b9fc7846a2c217badfc2534434a541e")]
    [InlineData("AEG001", "src/Shop/Orders.cs", "  new SqlCommand(\"SELECT * FROM Orders WHERE Id = \"\n\t+ id,   connection) ", "adad4e5b4a66b04d79b86f5b13527e409b9fc7846a2c217badfc2534434a541e")]
    [InlineData("AEG002", "src/Shop/Settings.cs", "Password = \"[secret literal len=14 prefix=hunt…]\"", "73c78941b36169bf6a92db581a7f50be6e6636e51048ddcd9479b8c8ec916b29")]
    public void Fingerprint_IsTodaysFormula(string rule, string file, string evidence, string expected)
    {
        Assert.Equal(expected, IncidentIdentity.Fingerprint(rule, file, evidence));
        Assert.Equal(expected, IncidentCollector.Fingerprint(rule, file, evidence));
    }

    [Fact]
    public async Task CollectedIncident_KeepsItsFingerprint_AndNamesItsSymbol()
    {
        using var directory = new TempDirectory();
        var incidents = await IncidentCollector.CollectAsync(LoadedProject.Load(TestProjects.WriteControllerProject(directory)), TestProjects.Catalog, directory.Path, CancellationToken.None);

        var incident = Assert.Single(incidents);
        Assert.Equal("OrdersController", incident.Evidence);
        Assert.Equal("1952a4f8abf4e7c9b4e0deda9376ecfcc77bdfec04a0b18ff8f6d96a044d0b98", incident.Fingerprint);
        Assert.Equal("Shop.OrdersController", incident.Symbol);
        Assert.Null(incident.SecretHash);
    }

    [Fact]
    public void SecretHash_OnlyForSecrets_AndDiffersWithTheSecret()
    {
        Assert.Equal("183cd11baec37bbe", IncidentIdentity.SecretHash("AEG002", new[] { "hunter2-secret!", "abcd" }));
        Assert.NotEqual(IncidentIdentity.SecretHash("AEG002", new[] { "hunter2-secret!" }), IncidentIdentity.SecretHash("AEG002", new[] { "hunter3-secret!" }));
        Assert.Null(IncidentIdentity.SecretHash("AEG001", new[] { "hunter2-secret!" }));
        Assert.Null(IncidentIdentity.SecretHash("AEG003", Array.Empty<string>()));
    }

    [Theory]
    [InlineData("FindMe", "Shop.Orders.OrderRepository.Find(string, Dictionary<string,int>)")]
    [InlineData("InCtor", "Shop.Orders.OrderRepository.OrderRepository(int)")]
    [InlineData("InProperty", "Shop.Orders.OrderRepository.Sql")]
    [InlineData("InField", "Shop.Orders.OrderRepository.second")]
    [InlineData("InGeneric", "Shop.Orders.OrderRepository.Inner<T>.Run<TResult>(T)")]
    [InlineData("InLambda", "Shop.Orders.OrderRepository.Find(string, Dictionary<string,int>)")]
    [InlineData("OrderRepository", "Shop.Orders.OrderRepository")]
    public void EnclosingSymbol_NamesTheMember(string marker, string expected)
    {
        const string source = """
            namespace Shop.Orders;
            public class OrderRepository
            {
                private string first = "a", second = "InField";
                public OrderRepository(int x) { var s = "InCtor"; }
                public string Sql => "InProperty";
                public void Find(string id,
                                 Dictionary<string,   int> map)
                {
                    var a = "FindMe";
                    System.Func<string> f = () => "InLambda";
                }
                public class Inner<T> { public void Run<TResult>(T t) { var s = "InGeneric"; } }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source, path: "src/A.cs");
        var at = marker == "OrderRepository" ? source.IndexOf("OrderRepository", StringComparison.Ordinal) : source.IndexOf("\"" + marker + "\"", StringComparison.Ordinal);
        var location = Location.Create(tree, new Microsoft.CodeAnalysis.Text.TextSpan(at, marker.Length));

        Assert.Equal(expected, IncidentIdentity.EnclosingSymbol(location, CancellationToken.None));
    }

    [Fact]
    public void EnclosingSymbol_OfTopLevelStatements_AndWithoutSource()
    {
        var tree = CSharpSyntaxTree.ParseText("var app = 1;\nSystem.Console.WriteLine(\"x\");\n");
        Assert.Equal(IncidentIdentity.TopLevelSymbol, IncidentIdentity.EnclosingSymbol(Location.Create(tree, new Microsoft.CodeAnalysis.Text.TextSpan(4, 3)), CancellationToken.None));
        Assert.Equal("", IncidentIdentity.EnclosingSymbol(Location.None, CancellationToken.None));
    }

    [Fact]
    public void Masking_IsTheAnalyzerAssemblys_ByteForByte()
    {
        const string text = "var key = \"hunter2-secret!\"; var t = \"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\";";
        Assert.Equal(new SecretMasking(new[] { "hunter2-secret!" }).Mask(text), new RiskCards.SecretMasker(new[] { "hunter2-secret!" }).Mask(text));
        Assert.DoesNotContain("hunter2", new SecretMasking(new[] { "hunter2-secret!" }).Mask(text), StringComparison.Ordinal);
    }
}
