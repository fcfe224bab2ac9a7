namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// Tests that create repository-sandbox copies in the process's temporary folder, or assert on the copies there, run
/// one at a time: a copy another test makes meanwhile would read as one this test failed to remove (or swept).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedTemporaryFolder
{
    public const string Name = "Repository sandboxes in the shared temporary folder";
}
