using System.Text.RegularExpressions;
using Aegis.Engine.Containment;

namespace Aegis.Containment.Tests;

/// <summary>Route templates as the card names them, turned into the nginx/ModSecurity regex and the YARP path: one
/// row per form. The regex is also run (.NET's engine agrees with PCRE on this subset: \xHH, (?:), classes).</summary>
public sealed class RoutePatternTests
{
    [Theory]
    [InlineData("/orders/{id:int}", "^/orders/-?[0-9]+/?$", "/orders/{id:int}")]
    [InlineData("/orders/{id:long}", "^/orders/-?[0-9]+/?$", "/orders/{id:long}")]
    [InlineData("/orders/{id}", "^/orders/[^/]+/?$", "/orders/{id}")]
    [InlineData("/orders/{id?}", "^/orders(?:/[^/]+)?/?$", "/orders/{id?}")]
    [InlineData("/orders/{id:int?}", "^/orders(?:/-?[0-9]+)?/?$", "/orders/{id:int?}")]
    [InlineData("/orders/{id=5}", "^/orders(?:/[^/]+)?/?$", "/orders/{id?}")]
    [InlineData("/blog/{*slug}", "^/blog(?:/.*)?/?$", "/blog/{**slug}")]
    [InlineData("/blog/{**slug}", "^/blog(?:/.*)?/?$", "/blog/{**slug}")]
    [InlineData("/flags/{on:bool}", "^/flags/(?:true|false)/?$", "/flags/{on:bool}")]
    [InlineData("/people/{name:alpha}", "^/people/[a-z]+/?$", "/people/{name:alpha}")]
    [InlineData("/items/{id:guid}", "^/items/[^/]+/?$", "/items/{id:guid}")]
    [InlineData("/items/{id:min(1)}", "^/items/[^/]+/?$", "/items/{id}")]
    [InlineData("/items/{id:int:min(1)}", "^/items/-?[0-9]+/?$", "/items/{id:int}")]
    [InlineData("/files/{name}.{ext}", "^/files/[^/]+\\x2e[^/]+/?$", "/files/{name}.{ext}")]
    [InlineData("/api/v1.0/orders", "^/api/v1\\x2e0/orders/?$", "/api/v1.0/orders")]
    [InlineData("/", "^/$", "/")]
    [InlineData("/a/{{literal}}", "^/a/\\x7bliteral\\x7d/?$", "/a/{{literal}}")]
    public void EachForm_BecomesTheRegexAndYarpPath(string template, string regex, string yarp)
    {
        var route = RouteTemplate.Parse(template);
        Assert.Equal(regex, route.ToRegex());
        Assert.Equal(yarp, route.ToAspNetTemplate());
        Assert.Null(route.Method);
    }

    [Theory]
    [InlineData("/orders/{id:int}", "/orders/42", true)]
    [InlineData("/orders/{id:int}", "/orders/-3/", true)]
    [InlineData("/orders/{id:int}", "/ORDERS/42", true)]
    [InlineData("/orders/{id:int}", "/orders/abc", false)]
    [InlineData("/orders/{id:int}", "/orders/42/items", false)]
    [InlineData("/orders/{id:int}", "/orders", false)]
    [InlineData("/orders/{id?}", "/orders", true)]
    [InlineData("/orders/{id?}", "/orders/7", true)]
    [InlineData("/orders/{id?}", "/orders/7/8", false)]
    [InlineData("/blog/{*slug}", "/blog", true)]
    [InlineData("/blog/{*slug}", "/blog/2024/hello", true)]
    [InlineData("/blog/{*slug}", "/blogs", false)]
    [InlineData("/files/{name}.{ext}", "/files/a.txt", true)]
    [InlineData("/files/{name}.{ext}", "/files/atxt", false)]
    [InlineData("/api/v1.0/orders", "/api/v1x0/orders", false)]
    public void TheRegex_MatchesTheRoutesPaths_AndNoOthers(string template, string path, bool matches)
        => Assert.Equal(matches, Regex.IsMatch(path, "(?i)" + RouteTemplate.Parse(template).ToRegex()));

    [Theory]
    [InlineData("DELETE /api/orders/{id:int}", "DELETE", "/api/orders/{id:int}")]
    [InlineData("GET /api/products/search", "GET", "/api/products/search")]
    [InlineData("/api/customers", null, "/api/customers")]
    [InlineData("get /x", null, "get /x")]
    public void TheMethod_IsTheLeadingUpperCaseToken(string endpoint, string? method, string template)
    {
        var route = RouteTemplate.Parse(endpoint);
        Assert.Equal(method, route.Method);
        Assert.Equal(template, route.Template);
    }

    [Fact]
    public void AControllerRoute_IsAPrefixOverEveryAction()
    {
        var route = RouteTemplate.Parse("/api/customers", prefix: true);
        Assert.Equal("^/api/customers(?:/.*)?/?$", route.ToRegex());
        Assert.Equal("/api/customers/{**rest}", route.ToAspNetTemplate());
        Assert.Matches("(?i)" + route.ToRegex(), "/api/customers/lookup");
        Assert.DoesNotMatch("(?i)" + route.ToRegex(), "/api/customersx");
    }

    [Fact]
    public void TheSecRule_CarriesTheSameRegex_CaseInsensitive()
    {
        var card = new ContainedEndpoint(RouteTemplate.Parse("GET /orders/{id:int}"), new[] { new CardIncident("AEG001", "HIGH", "a.cs", 1, "GET /orders/{id:int}", "", "", new string('a', 64)) }, 47000);
        var rules = ModSecurityRules.Write("c-test", new[] { card }, new[] { "Authorization" });
        Assert.Contains("SecRule REQUEST_FILENAME \"@rx (?i)^/orders/-?[0-9]+/?$\"", rules, StringComparison.Ordinal);
        Assert.Contains("id:47000,", rules, StringComparison.Ordinal);
        Assert.Contains("id:47001,", rules, StringComparison.Ordinal);
        Assert.Contains("SecRule ARGS|ARGS_NAMES \"@detectSQLi\"", rules, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a\"b")]
    [InlineData("/a'b")]
    [InlineData("/a\nb")]
    [InlineData("/a\r\nreturn 200;")]
    [InlineData("/a;b")]
    [InlineData("/a}b")]
    [InlineData("/a{b")]
    [InlineData("/a$host")]
    [InlineData("/a\\b")]
    [InlineData("/a b")]
    [InlineData("/caf\u00e9")]
    [InlineData("/a\"; } location / { return 200; } #")]
    public void SpecialCharacters_AreHexEscaped_SoNothingBreaksOut(string template)
    {
        var regex = RouteTemplate.Parse(template).ToRegex();
        // Only the regex's own syntax and [A-Za-z0-9/_-] literals: no quote, brace, ';', '$' variable, space or newline.
        Assert.Matches("^\\^[A-Za-z0-9/_\\\\\\-\\[\\]^()?:.*+|]*\\$$", regex);
        Assert.DoesNotMatch("[\"'{};\\s]", regex);
        // nginx and ModSecurity match bytes: the UTF-8 bytes of the path, one char each, are what \xHH meets.
        var bytes = System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(template));
        Assert.Matches(regex, bytes);
    }
}
