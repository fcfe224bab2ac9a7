using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aegis.Analyzers.Profile;

/// <summary>Counts how HTTP clients are created. Syntax only: names are distinctive enough, and it keeps the profile cheap.</summary>
internal static class HttpClientProfileBuilder
{
    public static HttpClientProfile Build(KnownTypes types, CancellationToken cancellationToken)
    {
        if (types.Get("System.Net.Http.HttpClient") is null)
        {
            return HttpClientProfile.Empty;
        }

        int factory = 0, typed = 0, direct = 0;
        foreach (var tree in types.Compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                switch (node)
                {
                    case ObjectCreationExpressionSyntax { Type: var type } when SyntaxNames.LastName(type) == "HttpClient":
                        direct++;
                        break;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                        switch (access.Name)
                        {
                            case IdentifierNameSyntax { Identifier.ValueText: "CreateClient" }:
                                factory++;
                                break;
                            case GenericNameSyntax { Identifier.ValueText: "AddHttpClient" }:
                                typed++;
                                break;
                        }

                        break;
                }
            }
        }

        var style = (factory, typed, direct) switch
        {
            (0, 0, 0) => "none",
            _ when typed >= factory && typed >= direct => "typed_client",
            _ when factory >= direct => "factory",
            _ => "new_http_client",
        };
        return new HttpClientProfile(style, factory, typed, direct);
    }
}
