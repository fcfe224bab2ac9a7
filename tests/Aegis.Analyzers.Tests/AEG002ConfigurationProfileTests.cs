using Aegis.Analyzers.Profile;
using Aegis.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aegis.Analyzers.Tests;

/// <summary>The configuration section of the repository profile, which AEG002's fix style follows.</summary>
[Trait("Rule", "AEG002")]
public sealed class AEG002ConfigurationProfileTests
{
    private static ConfigurationProfile Build(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "Profile",
            sources.Select(source => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))),
            SnippetReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return RepositoryProfileBuilder.Build(compilation, CancellationToken.None).Configuration;
    }

    [Fact]
    public void Counts_ConfigurationReads()
    {
        var profile = Build("""
            using Microsoft.Extensions.Configuration;
            class C(IConfiguration configuration, IConfigurationRoot root)
            {
                string? A => configuration["Stripe:ApiKey"];
                string? B => configuration.GetValue<string>("Db:Password");
                IConfigurationSection S => configuration.GetSection("Smtp");
                string? D => root.GetConnectionString("Default");
                string? E => new System.Collections.Generic.Dictionary<string, string>()["not configuration"];
            }
            """);

        Assert.Equal(4, profile.ConfigurationUsages);
        Assert.Equal(0, profile.OptionsUsages);
        Assert.Equal(0, profile.EnvironmentUsages);
        Assert.Equal("configuration", profile.Style);
    }

    [Fact]
    public void Counts_OptionsDependencies()
    {
        var profile = Build("""
            using Microsoft.Extensions.Options;
            class SmtpOptions { public string Host { get; set; } = ""; }
            class A(IOptions<SmtpOptions> options) { }
            class B { private readonly IOptionsMonitor<SmtpOptions> monitor; public B(IOptionsMonitor<SmtpOptions> m) => monitor = m; }
            class D { public IOptionsSnapshot<SmtpOptions>? Snapshot { get; set; } }
            """);

        Assert.Equal(4, profile.OptionsUsages);
        Assert.Equal("options", profile.Style);
    }

    [Fact]
    public void Counts_EnvironmentReads()
    {
        var profile = Build("""
            using System;
            class C
            {
                string? A => Environment.GetEnvironmentVariable("A");
                string? B => System.Environment.GetEnvironmentVariable("B");
            }
            """);

        Assert.Equal(2, profile.EnvironmentUsages);
        Assert.Equal("environment", profile.Style);
    }

    [Fact]
    public void Ties_PreferConfigurationThenOptions()
    {
        var profile = Build("""
            using System;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.Options;
            class SmtpOptions { }
            class C(IConfiguration configuration, IOptions<SmtpOptions> options)
            {
                string? A => configuration["A"];
                string? B => Environment.GetEnvironmentVariable("B");
            }
            """);

        Assert.Equal((1, 1, 1), (profile.ConfigurationUsages, profile.OptionsUsages, profile.EnvironmentUsages));
        Assert.Equal("configuration", profile.Style);
    }

    [Fact]
    public void Nothing_IsEnvironment()
    {
        var profile = Build("class C { }");
        Assert.Equal("environment", profile.Style);
        Assert.Equal(0, profile.ConfigurationUsages + profile.OptionsUsages + profile.EnvironmentUsages);
    }

    [Fact]
    public void BrokenCode_DoesNotThrow()
    {
        var profile = Build("""
            class C(IConfiguration configuration { string? A => configuration[ ; GetEnvironmentVariable(; IOptions<> x;
            """);
        Assert.NotNull(profile.Style);
    }

    [Fact]
    public void Cancellation_IsHonoured()
    {
        var compilation = CSharpCompilation.Create("Profile", new[] { CSharpSyntaxTree.ParseText("class C { }") }, SnippetReferences.All);
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => RepositoryProfileBuilder.Build(compilation, source.Token));
    }
}
