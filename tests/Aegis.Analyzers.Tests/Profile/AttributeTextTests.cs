using Aegis.Analyzers.Profile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Tests.Profile;

/// <summary>The dominant attribute's text is written into fixes: the fast path must give what NormalizeWhitespace gives.</summary>
[Trait("Category", "Profile")]
public sealed class AttributeTextTests
{
    [Theory]
    [InlineData("[Authorize]")]
    [InlineData("[Authorize( )]")]
    [InlineData("[Authorize(Policy=\"Staff\")]")]
    [InlineData("[Authorize( Policy  =  \"Staff\" ,Roles=\"Admin,Ops\" )]")]
    [InlineData("[Authorize(\"Staff\")]")]
    [InlineData("[Authorize(policy: \"Staff\")]")]
    [InlineData("[Authorize(Policy = Policies . Staff)]")]
    [InlineData("[Microsoft.AspNetCore.Authorization.Authorize(Policy = Shop.Policies.Staff)]")]
    [InlineData("[global::Microsoft.AspNetCore.Authorization.AuthorizeAttribute]")]
    [InlineData("[Authorize(Policy = nameof(Policies.Staff))]")]
    [InlineData("[Authorize(Policy = \"St\" + \"aff\")]")]
    [InlineData("[Authorize(Roles = $\"{Roles.Admin},{Roles.Ops}\")]")]
    [InlineData("[Authorize(AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme, Policy = \"Staff\")]")]
    public void Normalized_EqualsNormalizeWhitespace(string attribute)
    {
        var syntax = SyntaxFactory.ParseCompilationUnit(attribute + " class C { }").DescendantNodes().OfType<AttributeSyntax>().Single();
        Assert.Equal("[" + syntax.NormalizeWhitespace().ToFullString() + "]", AuthorizationProfileBuilder.AttributeTexts.Normalized(syntax));
    }
}
