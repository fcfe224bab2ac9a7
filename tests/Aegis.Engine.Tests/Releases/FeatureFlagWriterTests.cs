using Aegis.Engine.Releases;

namespace Aegis.Engine.Tests.Releases;

[Trait("Category", "Releases")]
public sealed class FeatureFlagWriterTests
{
    [Fact]
    public void FeatureManagement_Enabled_HasThePercentageFilterAtItsWeight()
        => Assert.Equal("""
            {
              "feature_management": {
                "feature_flags": [
                  {
                    "id": "checkout",
                    "enabled": true,
                    "conditions": {
                      "client_filters": [
                        {
                          "name": "Microsoft.Percentage",
                          "parameters": {
                            "Value": 5
                          }
                        }
                      ]
                    }
                  }
                ]
              }
            }

            """.Replace("\r\n", "\n"), FeatureManagementFlags.Render("checkout", true, 5));

    [Fact]
    public void FeatureManagement_Disabled_IsOffWithoutConditions()
        => Assert.Equal("""
            {
              "feature_management": {
                "feature_flags": [
                  {
                    "id": "kill-orders",
                    "enabled": false
                  }
                ]
              }
            }

            """.Replace("\r\n", "\n"), FeatureManagementFlags.Render("kill-orders", false, 40));

    [Fact]
    public void Flagd_Partial_IsAFractionalSplitOfOnAndOff()
        => Assert.Equal("""
            {
              "$schema": "https://flagd.dev/schema/v0/flags.json",
              "flags": {
                "checkout": {
                  "state": "ENABLED",
                  "variants": {
                    "on": true,
                    "off": false
                  },
                  "defaultVariant": "off",
                  "targeting": {
                    "fractional": [
                      ["on", 25],
                      ["off", 75]
                    ]
                  }
                }
              }
            }

            """.Replace("\r\n", "\n"), FlagdFlags.Render("checkout", true, 25));

    [Theory]
    [InlineData(true, 100, "on")]
    [InlineData(true, 0, "off")]
    [InlineData(false, 100, "off")]
    [InlineData(false, 5, "off")]
    public void Flagd_EveryoneOrNoOne_IsTheDefaultVariant_WithoutTargeting(bool enabled, int percentage, string variant)
    {
        var text = FlagdFlags.Render("checkout", enabled, percentage);

        Assert.Contains($"\"defaultVariant\": \"{variant}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("targeting", text, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"ENABLED\"", text, StringComparison.Ordinal); // never flagd's DISABLED: that falls back to the code's default
    }

    [Fact]
    public void SeveralFlags_InOneFile_KeepTheirOrder()
    {
        var flags = new[] { new FeatureFlagSetting("b", true, 50), new FeatureFlagSetting("a", false, 0) };

        var featureManagement = FeatureManagementFlags.Render(flags);
        var flagd = FlagdFlags.Render(flags);

        Assert.True(featureManagement.IndexOf("\"id\": \"b\"", StringComparison.Ordinal) < featureManagement.IndexOf("\"id\": \"a\"", StringComparison.Ordinal));
        Assert.True(flagd.IndexOf("\"b\": {", StringComparison.Ordinal) < flagd.IndexOf("\"a\": {", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void APercentageOutside0To100_IsRefused(int percentage)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureManagementFlags.Render("x", true, percentage));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlagdFlags.Render("x", true, percentage));
    }

    [Fact]
    public void Write_ReplacesTheFileWhole()
    {
        using var directory = new Infrastructure.TempDirectory();
        var path = Path.Combine(directory.Path, "deploy", "flags.json");

        FeatureManagementFlags.Write(path, "checkout", true, 5);
        FeatureManagementFlags.Write(path, "checkout", false, 0);
        FlagdFlags.Write(path + ".flagd", "checkout", true, 5);

        Assert.Equal(FeatureManagementFlags.Render("checkout", false, 0), File.ReadAllText(path));
        Assert.Equal(FlagdFlags.Render("checkout", true, 5), File.ReadAllText(path + ".flagd"));
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(path)!).Length); // no temp file left behind
    }
}
