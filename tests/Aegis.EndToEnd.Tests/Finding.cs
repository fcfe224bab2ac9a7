namespace Aegis.EndToEnd.Tests;

/// <summary>A diagnostic at a line of a file (path relative to samples/, with '/').</summary>
internal sealed record Finding(string File, int Line, string RuleId) : IComparable<Finding>
{
    public int CompareTo(Finding? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byFile = string.CompareOrdinal(File, other.File);
        if (byFile != 0)
        {
            return byFile;
        }

        return Line != other.Line ? Line.CompareTo(other.Line) : string.CompareOrdinal(RuleId, other.RuleId);
    }

    public override string ToString() => $"{File}:{Line}: {RuleId}";
}
