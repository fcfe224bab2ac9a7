using Aegis.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aegis.Analyzers.Profile;

/// <summary>Computes a <see cref="RepositoryProfile"/> from a compilation's code. Public so the engine can call it.</summary>
public static class RepositoryProfileBuilder
{
    public static RepositoryProfile Build(Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var types = KnownTypes.For(compilation);
        return new RepositoryProfile(
            DataAccessProfileBuilder.Build(types, cancellationToken),
            AuthorizationProfileBuilder.Build(types, cancellationToken),
            ConfigurationProfileBuilder.Build(types, cancellationToken),
            HttpClientProfileBuilder.Build(types, cancellationToken));
    }
}
