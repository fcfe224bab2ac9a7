using static Aegis.Analyzers.Profile.JsonFields;

namespace Aegis.Analyzers.Profile;

/// <summary>How this repository talks to its database.</summary>
public sealed class DataAccessProfile
{
    public static readonly DataAccessProfile Empty = new(Array.Empty<string>(), "unknown", null, null);

    public DataAccessProfile(IReadOnlyList<string> libraries, string provider, string? adoParameterStyle, string? dapperParameterStyle)
    {
        Libraries = libraries;
        Provider = provider;
        AdoParameterStyle = adoParameterStyle;
        DapperParameterStyle = dapperParameterStyle;
    }

    /// <summary>Libraries in use, sorted: <c>ado</c>, <c>dapper</c>, <c>efcore</c>.</summary>
    public IReadOnlyList<string> Libraries { get; }

    /// <summary>The dominant ADO.NET provider: <c>sqlclient</c>, <c>sqlite</c>, <c>npgsql</c>, <c>mysql</c>, <c>oracle</c>, <c>odbc</c>, <c>oledb</c> or <c>unknown</c>.</summary>
    public string Provider { get; }

    /// <summary><c>add_with_value</c>, <c>add_parameter</c> or <c>create_parameter</c>; null when no command adds parameters yet.</summary>
    public string? AdoParameterStyle { get; }

    /// <summary><c>anonymous_object</c> or <c>dynamic_parameters</c>; null when no Dapper call passes parameters yet.</summary>
    public string? DapperParameterStyle { get; }

    internal object ToJson() => new[]
    {
        Field("libraries", Libraries),
        Field("provider", Provider),
        Field("ado_parameter_style", AdoParameterStyle),
        Field("dapper_parameter_style", DapperParameterStyle),
    };

    internal static DataAccessProfile FromJson(Dictionary<string, object?> json) => new(
        Strings(json, "libraries"),
        String(json, "provider") ?? "unknown",
        String(json, "ado_parameter_style"),
        String(json, "dapper_parameter_style"));
}
