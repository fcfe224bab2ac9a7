using Aegis.Analyzers.Options;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aegis.Analyzers.Tests.Options;

public sealed class AegisOptionTests
{
    [Fact]
    public void RuleKey_WinsOverFamilyKey_WhichWinsOverGeneralKey()
    {
        var option = AegisOptions.EntropyThreshold;
        Assert.Equal(4.5, option.GetValue(Config(("aegis.AEG002.entropy_threshold", "4.5"), ("aegis.secret.entropy_threshold", "4.0"), ("aegis.entropy_threshold", "3.0")), RuleIdentifiers.HardcodedSecret));
        Assert.Equal(4.0, option.GetValue(Config(("aegis.secret.entropy_threshold", "4.0"), ("aegis.entropy_threshold", "3.0")), RuleIdentifiers.HardcodedSecret));
        Assert.Equal(3.0, option.GetValue(Config(("aegis.entropy_threshold", "3.0")), RuleIdentifiers.HardcodedSecret));
        Assert.Equal(option.DefaultValue, option.GetValue(Config(), RuleIdentifiers.HardcodedSecret));
    }

    [Fact]
    public void FamilyKey_OfAnotherFamily_IsIgnored()
    {
        Assert.Equal(0.6, AegisOptions.ConventionThreshold.GetValue(Config(("aegis.sql.convention_threshold", "0.9")), RuleIdentifiers.MissingAuthorization));
    }

    [Theory]
    [InlineData("4,5")]
    [InlineData("lots")]
    [InlineData("NaN")]
    [InlineData("")]
    public void BadValue_FallsBackToTheDefault(string value)
    {
        Assert.Equal(3.5, AegisOptions.EntropyThreshold.GetValue(Config(("aegis.AEG002.entropy_threshold", value)), RuleIdentifiers.HardcodedSecret));
    }

    [Fact]
    public void Numbers_ParseWithTheInvariantCulture_WhateverTheMachineCulture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
            Assert.Equal(0.75, AegisOptions.ConventionThreshold.GetValue(Config(("aegis.AEG003.convention_threshold", "0.75")), RuleIdentifiers.MissingAuthorization));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("error", ReportedSeverity.Error)]
    [InlineData("Warning", ReportedSeverity.Warning)]
    [InlineData("suggestion", ReportedSeverity.Suggestion)]
    [InlineData("silent", ReportedSeverity.Silent)]
    [InlineData("none", ReportedSeverity.None)]
    [InlineData(" warning ", ReportedSeverity.Warning)]
    [InlineData("loud", ReportedSeverity.Warning)]
    public void Severity_ParsesEditorConfigNames(string value, ReportedSeverity expected)
    {
        Assert.Equal(expected, AegisOptions.HighConfidenceSeverity.GetValue(Config(("aegis.AEG001.high_confidence_severity", value)), RuleIdentifiers.NonConstantSql));
    }

    [Fact]
    public void NameList_SplitsOnBars()
    {
        Assert.Equal(new[] { "fill-me", "tbd" }, AegisOptions.AdditionalPlaceholders.GetValue(Config(("aegis.AEG002.additional_placeholders", " fill-me | | tbd ")), RuleIdentifiers.HardcodedSecret));
    }

    private static AnalyzerConfigOptions Config(params (string Key, string Value)[] entries) => new DictionaryOptions(entries.ToDictionary(e => e.Key, e => e.Value));

    private sealed class DictionaryOptions : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> values;

        public DictionaryOptions(Dictionary<string, string> values) => this.values = values;

        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
