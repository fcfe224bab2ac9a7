using Aegis.Engine.Agents;

namespace Aegis.Engine.Tests;

/// <summary>An agent's Edit/MultiEdit applied as its edit tool applies it, or refused with the reason it would refuse it.</summary>
public sealed class TextEditsTests
{
    private const string Text = "var a = 1;\nvar b = 1;\nvar c = 2;\n";

    [Fact]
    public void UniqueOldString_ReplacedOnce()
        => Assert.Equal(("var a = 1;\nvar b = 1;\nvar c = 3;\n", (string?)null), TextEdits.Apply(Text, [new TextEdit("c = 2", "c = 3", false)]));

    [Fact]
    public void ReplaceAll_ReplacesEveryOccurrence()
        => Assert.Equal(("var a = 9;\nvar b = 9;\nvar c = 2;\n", (string?)null), TextEdits.Apply(Text, [new TextEdit("= 1;", "= 9;", true)]));

    [Fact]
    public void EditsApplyInOrder_EachToTheResultOfTheLast()
        => Assert.Equal(("var x = 1;\nvar b = 1;\nvar c = 2;\n", (string?)null), TextEdits.Apply(Text, [new TextEdit("var a", "var z", false), new TextEdit("var z", "var x", false)]));

    [Fact]
    public void OldStringNotFound_Refused()
        => Assert.Equal(((string?)null, "old_string was not found in the current file"), TextEdits.Apply(Text, [new TextEdit("var d", "var e", false)]));

    [Fact]
    public void OldStringTwiceWithoutReplaceAll_Refused_NamingTheEdit()
        => Assert.Equal(((string?)null, "edits[1].old_string occurs more than once in the current file and replace_all is not set"), TextEdits.Apply(Text, [new TextEdit("var a", "var z", false), new TextEdit("= 1;", "= 9;", false)]));

    [Fact]
    public void EmptyOldString_CreatesANewFile_ButNeverOverwritesOne()
    {
        Assert.Equal(("class A {}\n", (string?)null), TextEdits.Apply("", [new TextEdit("", "class A {}\n", false)]));
        Assert.Equal(((string?)null, "old_string is empty but the file is not"), TextEdits.Apply(Text, [new TextEdit("", "class A {}\n", false)]));
    }

    [Fact]
    public void LineEndingsAreKept()
        => Assert.Equal(("a\r\nB\r\nc\r\n", (string?)null), TextEdits.Apply("a\r\nb\r\nc\r\n", [new TextEdit("b", "B", false)]));
}
