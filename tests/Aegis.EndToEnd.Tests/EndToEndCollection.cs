namespace Aegis.EndToEnd.Tests;

/// <summary>The end-to-end tests build and test the same sample directories, so they never run at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end";
}
