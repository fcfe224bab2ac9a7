using Aegis.Engine.Patching;

namespace Aegis.Engine.Tests;

public sealed class UnifiedDiffTests
{
    private static string Lines(int count, Func<int, string>? line = null)
        => string.Concat(Enumerable.Range(1, count).Select(i => (line ?? (n => "line " + n))(i) + "\n"));

    [Fact]
    public void Create_HeadersHunkAndContext()
    {
        var original = Lines(10);
        var patched = original.Replace("line 5\n", "line five\n", StringComparison.Ordinal);
        Assert.Equal(
            "--- a/src/A.cs\n+++ b/src/A.cs\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n",
            UnifiedDiff.Create("src/A.cs", original, patched));
    }

    [Fact]
    public void Create_CrlfInput_LfDiff()
    {
        var diff = UnifiedDiff.Create("a.cs", "a\r\nb\r\n", "a\r\nc\r\n");
        Assert.DoesNotContain("\r", diff, StringComparison.Ordinal);
        Assert.Contains("-b\n+c\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Unchanged_Empty() => Assert.Equal("", UnifiedDiff.Create("a.cs", "x\n", "x\n"));

    [Fact]
    public void Create_NewFile()
        => Assert.Equal("--- a/n.cs\n+++ b/n.cs\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create("n.cs", "", "a\nb\n"));

    [Fact]
    public void Create_FarApartChanges_TwoHunks_NearOnes_One()
    {
        var original = Lines(40);
        var far = original.Replace("line 3\n", "x\n", StringComparison.Ordinal).Replace("line 30\n", "y\n", StringComparison.Ordinal);
        Assert.Equal(2, UnifiedDiff.Create("a", original, far).Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        var near = original.Replace("line 3\n", "x\n", StringComparison.Ordinal).Replace("line 8\n", "y\n", StringComparison.Ordinal);
        Assert.Single(UnifiedDiff.Create("a", original, near).Split('\n'), l => l.StartsWith("@@", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(1, 2)]
    [InlineData(40, 3)]
    public void Apply_RoundTrips(int changedLine, int insertedLines)
    {
        var original = Lines(40);
        var patched = original.Replace("line " + changedLine + "\n", string.Concat(Enumerable.Repeat("new\n", insertedLines)), StringComparison.Ordinal)
            .Replace("line 20\n", "", StringComparison.Ordinal);
        var diff = UnifiedDiff.Create("a", original, patched);
        Assert.Equal(patched, UnifiedDiff.Apply(original, diff));
    }

    [Fact]
    public void Apply_ContextMismatch_Null()
    {
        var diff = UnifiedDiff.Create("a", Lines(10), Lines(10).Replace("line 5\n", "five\n", StringComparison.Ordinal));
        Assert.Null(UnifiedDiff.Apply(Lines(10).Replace("line 4\n", "four\n", StringComparison.Ordinal), diff));
    }
}
