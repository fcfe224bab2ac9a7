using System.Text;
using System.Xml.Linq;

namespace Aegis.Engine.Containment;

/// <summary>An advisory's fixed version as a central package version (<c>Directory.Packages.props</c> form).</summary>
public static class DependencyPin
{
    public static string Write(string planId, AdvisoryEvent advisory, string? currentVersion)
    {
        var props = new StringBuilder();
        props.Append("<Project>\n")
            .Append("  <!-- Aegis containment plan ").Append(planId).Append(": advisory ").Append(ConfigText.Xml(advisory.Id.Length > 0 ? advisory.Id : "event"))
            .Append(": ").Append(advisory.Package).Append(' ').Append(ConfigText.Xml(advisory.VulnerableRange)).Append(" is vulnerable; ").Append(advisory.FixedVersion).Append(" fixes it.\n")
            .Append("       Merge this line into the repository's Directory.Packages.props")
            .Append(currentVersion is null ? " (the package is not listed there: add it; for a transitive dependency also set CentralPackageTransitivePinningEnabled to true)" : " (it replaces Version=\"" + ConfigText.Xml(currentVersion) + "\")")
            .Append(". -->\n")
            .Append("  <ItemGroup>\n")
            .Append("    <PackageVersion Include=\"").Append(advisory.Package).Append("\" Version=\"").Append(advisory.FixedVersion).Append("\" />\n")
            .Append("  </ItemGroup>\n")
            .Append("</Project>\n");
        return props.ToString();
    }

    /// <summary>The version the repository's root <c>Directory.Packages.props</c> pins the package to, if it lists it.</summary>
    public static string? CurrentVersion(string repositoryRoot, string package)
    {
        var path = Path.Combine(repositoryRoot, "Directory.Packages.props");
        try
        {
            return File.Exists(path)
                ? XDocument.Load(path).Descendants("PackageVersion")
                    .FirstOrDefault(e => string.Equals((string?)e.Attribute("Include"), package, StringComparison.OrdinalIgnoreCase))
                    ?.Attribute("Version")?.Value
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            return null; // The pin is still right; only the note about what it replaces is lost.
        }
    }
}
