using System.Globalization;
using System.Text;

namespace Aegis.Bench.Generator;

internal enum DataAccessKind
{
    AdoNet,
    Dapper,
    EfCore,
}

/// <summary>One business module: entity, repository, service, controller and (often) minimal-API endpoints.</summary>
internal sealed record Module(string Entity, string Plural, string Route, DataAccessKind Kind, bool HasEndpoints);

/// <summary>
/// Writes the source files of one module from templates. Placeholders are <c>§E§</c> (entity), <c>§P§</c>
/// (plural, also the table), <c>§r§</c> (route), <c>§F§</c>/<c>§f§</c> (a string column and its parameter),
/// <c>§n§</c> (a per-file counter that keeps member names unique). The section sign never occurs in C#.
/// </summary>
internal sealed class ModuleWriter(Rng rng, SecretFactory secrets, Planted planted, double findingRate)
{
    private static readonly string[] StringColumns = ["Name", "Code", "Status", "Email", "Region", "Category"];

    private static readonly string[] Vendors =
    [
        "Stripe", "Twilio", "SendGrid", "Mailgun", "Slack", "GitHub", "Azure", "Aws", "Google", "Okta",
        "Auth0", "PagerDuty", "Datadog", "Sentry", "Smtp", "Ldap", "Reporting", "Billing", "Search", "Cache",
    ];

    private static readonly (string Name, string Type, string Initializer)[] ExtraProperties =
    [
        ("Reference", "string", " = string.Empty;"), ("Notes", "string?", ""), ("Priority", "int", ""),
        ("Owner", "string", " = string.Empty;"), ("Channel", "string", " = \"web\";"), ("Source", "string?", ""),
        ("Currency", "string", " = \"EUR\";"), ("Discount", "decimal", ""), ("Weight", "double", ""),
        ("Quantity", "int", ""), ("Rating", "int?", ""), ("Score", "double", ""), ("Label", "string?", ""),
        ("Country", "string", " = \"NL\";"), ("City", "string?", ""), ("Phone", "string?", ""),
        ("Website", "Uri?", ""), ("Locale", "string", " = \"en-US\";"), ("Revision", "int", ""),
        ("ExternalId", "Guid", ""), ("DueDate", "DateTime?", ""), ("ClosedAt", "DateTime?", ""),
        ("UpdatedAt", "DateTime", ""), ("Sequence", "long", ""), ("IsArchived", "bool", ""),
        ("Tags", "List<string>", " = new();"), ("ParentId", "int?", ""), ("Timezone", "string", " = \"UTC\";"),
    ];

    private Module _module = null!;
    private int _counter;

    public IEnumerable<(string Path, string Text)> Write(Module module)
    {
        _module = module;
        yield return ($"Domain/{module.Entity}.cs", Domain());
        yield return ($"Data/{module.Entity}Repository.cs", module.Kind switch
        {
            DataAccessKind.AdoNet => AdoRepository(),
            DataAccessKind.Dapper => DapperRepository(),
            _ => EfRepository(),
        });
        yield return ($"Services/{module.Entity}Service.cs", Service());
        yield return ($"Controllers/{module.Entity}Controller.cs", Controller());
        if (module.HasEndpoints)
        {
            yield return ($"Endpoints/{module.Entity}Endpoints.cs", Endpoints());
        }
    }

    private string T(string template, string? column = null)
    {
        var text = template
            .Replace("§E§", _module.Entity, StringComparison.Ordinal)
            .Replace("§P§", _module.Plural, StringComparison.Ordinal)
            .Replace("§r§", _module.Route, StringComparison.Ordinal)
            .Replace("§n§", _counter.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (column is not null)
        {
            text = text
                .Replace("§F§", column, StringComparison.Ordinal)
                .Replace("§f§", char.ToLowerInvariant(column[0]) + column[1..], StringComparison.Ordinal);
        }

        return text;
    }

    private bool Unsafe() => rng.Chance(findingRate);

    // ---------------------------------------------------------------- domain

    private string Domain()
    {
        var sb = new StringBuilder();
        sb.Append(T("""
            using System.ComponentModel.DataAnnotations;

            namespace Generated.App.Domain;

            /// <summary>A §E§ as stored in the §P§ table.</summary>
            public sealed class §E§
            {
                /// <summary>Primary key.</summary>
                public int Id { get; set; }

                /// <summary>Display name.</summary>
                public string Name { get; set; } = string.Empty;

                /// <summary>Business code, unique per tenant.</summary>
                public string Code { get; set; } = string.Empty;

                /// <summary>Workflow status.</summary>
                public string Status { get; set; } = "draft";

                /// <summary>Contact address.</summary>
                public string Email { get; set; } = string.Empty;

                /// <summary>Sales region.</summary>
                public string Region { get; set; } = string.Empty;

                /// <summary>Free classification.</summary>
                public string Category { get; set; } = string.Empty;

                /// <summary>Monetary amount in the account currency.</summary>
                public decimal Amount { get; set; }

                /// <summary>Creation time (UTC).</summary>
                public DateTime CreatedAt { get; set; }

                /// <summary>Whether the record is active.</summary>
                public bool IsActive { get; set; }

            """));
        var extras = ExtraProperties.OrderBy(_ => rng.NextUInt64()).Take(rng.Between(6, ExtraProperties.Length)).ToList();
        foreach (var (name, type, initializer) in extras)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>{name} of the {_module.Entity.ToLowerInvariant()}.</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public {type} {name} {{ get; set; }}{initializer}\n\n");
        }

        sb.Append(T("""
                /// <summary>True when the record can still be edited.</summary>
                public bool IsEditable => IsActive && Status != "closed";
            }

            /// <summary>What the API returns for a §E§.</summary>
            public sealed record §E§Dto(int Id, string Name, string Code, string Status);

            /// <summary>Aggregated figures for reports.</summary>
            public sealed record §E§Summary(int Total, int Active, decimal Amount, DateTime GeneratedAt);

            /// <summary>Lifecycle of a §E§.</summary>
            public enum §E§State
            {
                Draft,
                Active,
                Suspended,
                Archived,
            }

            /// <summary>Body of the create call.</summary>
            public sealed class Create§E§Request
            {
                [Required]
                [StringLength(200)]
                public string Name { get; set; } = string.Empty;

                [Required]
                [StringLength(40)]
                public string Code { get; set; } = string.Empty;

                [EmailAddress]
                public string? Email { get; set; }

                [Range(0, 1_000_000)]
                public decimal Amount { get; set; }
            }

            /// <summary>Body of the update call.</summary>
            public sealed class Update§E§Request
            {
                [StringLength(200)]
                public string? Name { get; set; }

                [StringLength(40)]
                public string? Status { get; set; }

                public bool? IsActive { get; set; }
            }

            """));
        return sb.ToString();
    }

    // ---------------------------------------------------------------- repositories

    private string AdoRepository()
    {
        var sb = new StringBuilder();
        sb.Append(T("""
            using System.Globalization;
            using System.Text;
            using Generated.App.Domain;
            using Microsoft.Data.Sqlite;

            namespace Generated.App.Data;

            /// <summary>ADO.NET access to the §P§ table.</summary>
            public sealed class §E§Repository
            {
                private const string Table = "§P§";
                private const string Columns = "Id, Name, Code, Status, Email, Region, Category, Amount, CreatedAt, IsActive";
                private readonly string _connectionString;

                public §E§Repository(IConfiguration configuration)
                {
                    _connectionString = configuration.GetConnectionString("Default") ?? "Data Source=app.db";
                }

                public §E§? GetById(int id)
                {
                    using var connection = Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT " + Columns + " FROM " + Table + " WHERE Id = $id";
                    command.Parameters.AddWithValue("$id", id);
                    var items = ReadAll(command);
                    return items.Count == 0 ? null : items[0];
                }

                public int Count()
                {
                    using var connection = Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT COUNT(*) FROM {Table}";
                    return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                }

                public List<§E§> Search(string term)
                {
                    using var connection = Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT " + Columns + " FROM " + Table + " WHERE Name LIKE $term ORDER BY Name";
                    command.Parameters.AddWithValue("$term", "%" + term + "%");
                    return ReadAll(command);
                }

            """));
        AppendMethods(sb, AdoSafe, AdoUnsafe);
        sb.Append(T("""
                private SqliteConnection Open()
                {
                    var connection = new SqliteConnection(_connectionString);
                    connection.Open();
                    return connection;
                }

                private static List<§E§> ReadAll(SqliteCommand command)
                {
                    var items = new List<§E§>();
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        items.Add(Map(reader));
                    }

                    return items;
                }

                private static §E§ Map(SqliteDataReader reader) => new()
                {
                    Id = reader.GetInt32(0),
                    Name = reader.GetString(1),
                    Code = reader.GetString(2),
                    Status = reader.GetString(3),
                    Email = reader.GetString(4),
                    Region = reader.GetString(5),
                    Category = reader.GetString(6),
                    Amount = reader.GetDecimal(7),
                    CreatedAt = reader.GetDateTime(8),
                    IsActive = reader.GetBoolean(9),
                };
            }

            """));
        return sb.ToString();
    }

    private static readonly string[] AdoSafe =
    [
        """
            public List<§E§> FindBy§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ = $value ORDER BY Name";
                command.Parameters.AddWithValue("$value", §f§);
                return ReadAll(command);
            }

        """,
        """
            public List<§E§> Page§n§(int page, int size)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM {Table} ORDER BY Id LIMIT {size} OFFSET {page * size}";
                return ReadAll(command);
            }

        """,
        """
            public List<§E§> ActiveSince§n§(DateTime since, bool active)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM {Table} WHERE IsActive = {(active ? 1 : 0)} AND CreatedAt >= '{since:yyyy-MM-dd}'";
                return ReadAll(command);
            }

        """,
        """
            public int Set§F§§n§(int id, string §f§)
            {
                using var connection = Open();
                using var command = new SqliteCommand("UPDATE " + Table + " SET §F§ = $value WHERE Id = $id", connection);
                command.Parameters.AddWithValue("$value", §f§);
                command.Parameters.AddWithValue("$id", id);
                return command.ExecuteNonQuery();
            }

        """,
        """
            public string Describe§n§(string §f§)
            {
                var message = $"Lookup in {Table} where §F§ = '{§f§}'";
                return message.Length > 200 ? message[..200] : message;
            }

        """,
        """
            public List<§E§> Match§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ LIKE $pattern";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "$pattern";
                parameter.Value = "%" + §f§ + "%";
                command.Parameters.Add(parameter);
                return ReadAll(command);
            }

        """,
        """
            public int DeleteInactive§n§(§E§State state, Guid batch)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"DELETE FROM {Table} WHERE IsActive = 0 AND State = {(int)state} AND Batch <> '{batch}'";
                return command.ExecuteNonQuery();
            }

        """,
    ];

    private static readonly string[] AdoUnsafe =
    [
        """
            public List<§E§> FindBy§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM {Table} WHERE §F§ = '{§f§}' ORDER BY Name";
                return ReadAll(command);
            }

        """,
        """
            public List<§E§> Lookup§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ = '" + §f§ + "'";
                return ReadAll(command);
            }

        """,
        """
            public int DeleteBy§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = new SqliteCommand("DELETE FROM " + Table + " WHERE §F§ = '" + §f§ + "'", connection);
                return command.ExecuteNonQuery();
            }

        """,
        """
            public int SetStatus§n§(int id, string status)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = string.Format(CultureInfo.InvariantCulture, "UPDATE {0} SET Status = '{1}' WHERE Id = {2}", Table, status, id);
                return command.ExecuteNonQuery();
            }

        """,
        """
            public List<§E§> Like§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                var sql = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ LIKE '%" + §f§ + "%'";
                command.CommandText = sql;
                return ReadAll(command);
            }

        """,
        """
            public List<§E§> Filter§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM ").Append(Table);
                sql.Append(" WHERE §F§ = '").Append(§f§).Append('\'');
                command.CommandText = sql.ToString();
                return ReadAll(command);
            }

        """,
        """
            public List<§E§> Sorted§n§(string sortColumn)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM {Table} ORDER BY {sortColumn}";
                return ReadAll(command);
            }

        """,
        """
            public long Count§F§§n§(string §f§)
            {
                using var connection = Open();
                using var command = connection.CreateCommand();
                command.CommandText = string.Concat("SELECT COUNT(*) FROM ", Table, " WHERE §F§ = '", §f§, "'");
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

        """,
    ];

    private string DapperRepository()
    {
        var sb = new StringBuilder();
        sb.Append(T("""
            using System.Globalization;
            using Dapper;
            using Generated.App.Domain;
            using Microsoft.Data.Sqlite;

            namespace Generated.App.Data;

            /// <summary>Dapper access to the §P§ table.</summary>
            public sealed class §E§Repository
            {
                private const string Table = "§P§";
                private const string Columns = "Id, Name, Code, Status, Email, Region, Category, Amount, CreatedAt, IsActive";
                private readonly string _connectionString;

                public §E§Repository(IConfiguration configuration)
                {
                    _connectionString = configuration.GetConnectionString("Default") ?? "Data Source=app.db";
                }

                public §E§? GetById(int id)
                {
                    using var connection = new SqliteConnection(_connectionString);
                    return connection.QueryFirstOrDefault<§E§>("SELECT " + Columns + " FROM " + Table + " WHERE Id = @Id", new { Id = id });
                }

                public int Count()
                {
                    using var connection = new SqliteConnection(_connectionString);
                    return connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM {Table}");
                }

                public List<§E§> Search(string term)
                {
                    using var connection = new SqliteConnection(_connectionString);
                    return connection.Query<§E§>("SELECT " + Columns + " FROM " + Table + " WHERE Name LIKE @Term ORDER BY Name", new { Term = "%" + term + "%" }).AsList();
                }

            """));
        AppendMethods(sb, DapperSafe, DapperUnsafe);
        sb.Append("}\n");
        return sb.ToString();
    }

    private static readonly string[] DapperSafe =
    [
        """
            public List<§E§> FindBy§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.Query<§E§>("SELECT " + Columns + " FROM " + Table + " WHERE §F§ = @Value", new { Value = §f§ }).AsList();
            }

        """,
        """
            public §E§? First§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                const string sql = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ = @§F§ LIMIT 1";
                return connection.QueryFirstOrDefault<§E§>(sql, new { §F§ = §f§ });
            }

        """,
        """
            public int Set§F§§n§(int id, string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.Execute("UPDATE " + Table + " SET §F§ = @Value WHERE Id = @Id", new { Value = §f§, Id = id });
            }

        """,
        """
            public §E§? Single§n§(int id)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.QuerySingleOrDefault<§E§>($"SELECT {Columns} FROM {Table} WHERE Id = {id}");
            }

        """,
        """
            public async Task<List<§E§>> Recent§n§(DateTime since, CancellationToken cancellationToken)
            {
                await using var connection = new SqliteConnection(_connectionString);
                var command = new CommandDefinition("SELECT " + Columns + " FROM " + Table + " WHERE CreatedAt >= @Since", new { Since = since }, cancellationToken: cancellationToken);
                var rows = await connection.QueryAsync<§E§>(command);
                return rows.AsList();
            }

        """,
        """
            public List<§E§> Dynamic§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                var parameters = new DynamicParameters();
                parameters.Add("Value", §f§);
                return connection.Query<§E§>("SELECT " + Columns + " FROM " + Table + " WHERE §F§ = @Value", parameters).AsList();
            }

        """,
        """
            public string Describe§n§(string §f§)
            {
                var message = $"Dapper lookup in {Table} where §F§ = '{§f§}'";
                return message.Length > 200 ? message[..200] : message;
            }

        """,
    ];

    private static readonly string[] DapperUnsafe =
    [
        """
            public List<§E§> FindBy§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.Query<§E§>($"SELECT {Columns} FROM {Table} WHERE §F§ = '{§f§}'").AsList();
            }

        """,
        """
            public int Set§F§§n§(int id, string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.Execute("UPDATE " + Table + " SET §F§ = '" + §f§ + "' WHERE Id = @Id", new { Id = id });
            }

        """,
        """
            public §E§? First§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.QueryFirstOrDefault<§E§>(string.Format(CultureInfo.InvariantCulture, "SELECT {0} FROM {1} WHERE §F§ = '{2}'", Columns, Table, §f§));
            }

        """,
        """
            public int Count§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM {Table} WHERE §F§ = '{§f§}'");
            }

        """,
        """
            public async Task<List<§E§>> Like§F§§n§(string §f§)
            {
                await using var connection = new SqliteConnection(_connectionString);
                var sql = "SELECT " + Columns + " FROM " + Table + " WHERE §F§ LIKE '%" + §f§ + "%'";
                var rows = await connection.QueryAsync<§E§>(sql);
                return rows.AsList();
            }

        """,
        """
            public §E§? Single§F§§n§(string §f§)
            {
                using var connection = new SqliteConnection(_connectionString);
                return connection.QuerySingleOrDefault<§E§>($"SELECT {Columns} FROM {Table} WHERE §F§ = '{§f§}' LIMIT 1");
            }

        """,
    ];

    private string EfRepository()
    {
        var sb = new StringBuilder();
        sb.Append(T("""
            using Generated.App.Domain;
            using Microsoft.EntityFrameworkCore;

            namespace Generated.App.Data;

            /// <summary>EF Core access to the §P§ table.</summary>
            public sealed class §E§Repository
            {
                private readonly AppDbContext _db;

                public §E§Repository(AppDbContext db)
                {
                    _db = db;
                }

                public §E§? GetById(int id) => _db.§P§.Find(id);

                public int Count() => _db.§P§.Count();

                public List<§E§> Search(string term) =>
                    _db.§P§.Where(item => item.Name.Contains(term)).OrderBy(item => item.Name).ToList();

            """));
        AppendMethods(sb, EfSafe, EfUnsafe, min: 20, max: 70);
        sb.Append("}\n");
        return sb.ToString();
    }

    private static readonly string[] EfSafe =
    [
        """
            public List<§E§> FindBy§F§§n§(string §f§) =>
                _db.§P§.Where(item => item.§F§ == §f§).OrderBy(item => item.Id).ToList();

        """,
        """
            public List<§E§> Raw§F§§n§(string §f§)
            {
                return _db.§P§.FromSqlInterpolated($"SELECT * FROM §P§ WHERE §F§ = {§f§}").ToList();
            }

        """,
        """
            public List<§E§> Positional§F§§n§(string §f§)
            {
                return _db.§P§.FromSqlRaw("SELECT * FROM §P§ WHERE §F§ = {0}", §f§).AsNoTracking().ToList();
            }

        """,
        """
            public int Delete§n§(int id)
            {
                return _db.Database.ExecuteSqlInterpolated($"DELETE FROM §P§ WHERE Id = {id}");
            }

        """,
        """
            public List<§E§> ById§n§(int id)
            {
                return _db.§P§.FromSqlRaw("SELECT * FROM §P§ WHERE Id = " + id).ToList();
            }

        """,
        """
            public List<int> Ids§F§§n§(string §f§)
            {
                return _db.Database.SqlQuery<int>($"SELECT Id AS Value FROM §P§ WHERE §F§ = {§f§}").ToList();
            }

        """,
        """
            public async Task<int> Archive§n§(DateTime before, CancellationToken cancellationToken)
            {
                return await _db.Database.ExecuteSqlRawAsync("UPDATE §P§ SET IsActive = 0 WHERE CreatedAt < {0}", new object[] { before }, cancellationToken);
            }

        """,
    ];

    private static readonly string[] EfUnsafe =
    [
        """
            public List<§E§> Raw§F§§n§(string §f§)
            {
                return _db.§P§.FromSqlRaw($"SELECT * FROM §P§ WHERE §F§ = '{§f§}'").ToList();
            }

        """,
        """
            public int DeleteBy§F§§n§(string §f§)
            {
                return _db.Database.ExecuteSqlRaw("DELETE FROM §P§ WHERE §F§ = '" + §f§ + "'");
            }

        """,
        """
            public async Task<int> Touch§F§§n§(string §f§, CancellationToken cancellationToken)
            {
                return await _db.Database.ExecuteSqlRawAsync($"UPDATE §P§ SET UpdatedAt = CURRENT_TIMESTAMP WHERE §F§ = '{§f§}'", cancellationToken);
            }

        """,
        """
            public List<int> Ids§F§§n§(string §f§)
            {
                return _db.Database.SqlQueryRaw<int>($"SELECT Id AS Value FROM §P§ WHERE §F§ = '{§f§}'").ToList();
            }

        """,
        """
            public List<§E§> Formatted§F§§n§(string §f§)
            {
                var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, "SELECT * FROM §P§ WHERE §F§ LIKE '%{0}%'", §f§);
                return _db.§P§.FromSqlRaw(sql).ToList();
            }

        """,
    ];

    private void AppendMethods(StringBuilder sb, string[] safe, string[] unsafeTemplates, int min = 12, int max = 45)
    {
        var count = rng.Between(min, max);
        for (var i = 0; i < count; i++)
        {
            _counter++;
            var column = rng.Pick(StringColumns);
            if (Unsafe())
            {
                planted.Sql++;
                sb.Append(T(rng.Pick(unsafeTemplates), column));
            }
            else
            {
                planted.SafeSqlLookAlikes++;
                sb.Append(T(rng.Pick(safe), column));
            }

            sb.Append('\n');
        }
    }

    // ---------------------------------------------------------------- services

    private string Service()
    {
        var fields = new StringBuilder();
        var methods = new StringBuilder();
        var slots = rng.Between(5, 12);
        for (var i = 0; i < slots; i++)
        {
            _counter++;
            var vendor = rng.Pick(Vendors) + _counter.ToString(CultureInfo.InvariantCulture);
            var upper = vendor.ToUpperInvariant();
            var isUnsafe = Unsafe();
            if (isUnsafe)
            {
                planted.Secrets++;
            }
            else
            {
                planted.SafeSecretLookAlikes++;
            }

            switch (rng.Next(7))
            {
                case 0:
                    fields.Append(isUnsafe
                        ? $"    private const string {vendor}ApiKey = \"{secrets.KnownToken().Value}\";\n"
                        : $"    private string {vendor}ApiKey => _configuration[\"{vendor}:ApiKey\"] ?? string.Empty;\n");
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public HttpRequestMessage Create{{vendor}}Request(string path)
                            {
                                var request = new HttpRequestMessage(HttpMethod.Get, path);
                                request.Headers.Add(ApiKeyHeader, {{vendor}}ApiKey);
                                return request;
                            }


                        """);
                    break;
                case 1:
                    fields.Append(isUnsafe
                        ? $"    public string {vendor}Password {{ get; init; }} = \"{secrets.Password()}\";\n"
                        : $"    public string {vendor}Password {{ get; init; }} = string.Empty;\n");
                    break;
                case 2:
                    fields.Append(isUnsafe
                        ? $"    private const string {vendor}ConnectionString = \"Host={vendor.ToLowerInvariant()}.internal;Database={_module.Route};Username=app;Password={secrets.Password()}\";\n"
                        : $"    private const string {vendor}ConnectionString = \"Host={vendor.ToLowerInvariant()}.internal;Database={_module.Route};Username=app\";\n");
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public string {{vendor}}Database() => _configuration.GetConnectionString("{{vendor}}") ?? {{vendor}}ConnectionString;


                        """);
                    break;
                case 3:
                    var password = isUnsafe ? $"\"{secrets.Password()}\"" : $"_configuration[\"{vendor}:Password\"]";
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public NetworkCredential {{vendor}}Credential() => new NetworkCredential("svc-{{_module.Route}}", {{password}});


                        """);
                    break;
                case 4:
                    var header = isUnsafe
                        ? $"\"Bearer {secrets.Jwt()}\""
                        : $"TokenType + \" \" + (_configuration[\"{vendor}:Token\"] ?? string.Empty)";
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public HttpRequestMessage {{vendor}}Authorized(string path)
                            {
                                var request = new HttpRequestMessage(HttpMethod.Post, path);
                                request.Headers.TryAddWithoutValidation("Authorization", {{header}});
                                return request;
                            }


                        """);
                    break;
                case 5:
                    var argument = isUnsafe
                        ? $"\"{secrets.Password()}\""
                        : $"Environment.GetEnvironmentVariable(\"{upper}_PASSWORD\") ?? string.Empty";
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public bool {{vendor}}Login() => Authenticate("admin", password: {{argument}});


                        """);
                    break;
                default:
                    fields.Append(isUnsafe
                        ? $"    private static readonly string[] {vendor}Fallbacks = [\"{secrets.KnownToken().Value}\"];\n"
                        : $"    private static readonly string[] {vendor}Fallbacks = [\"primary\", \"secondary\"];\n");
                    methods.Append(CultureInfo.InvariantCulture, $$"""
                            public IReadOnlyList<string> {{vendor}}Options() => {{vendor}}Fallbacks;


                        """);
                    break;
            }
        }

        var configMethods = new StringBuilder();
        var configCount = rng.Between(6, 20);
        for (var i = 0; i < configCount; i++)
        {
            _counter++;
            var column = rng.Pick(StringColumns);
            configMethods.Append(T(rng.Next(4) switch
            {
                0 => """
                        public int §F§Limit§n§() => _configuration.GetValue("§P§:Limits:§F§", 100);


                    """,
                1 => """
                        public Uri §F§Endpoint§n§() => new(_configuration["§P§:Endpoints:§F§"] ?? "https://localhost/§r§");


                    """,
                2 => """
                        public TimeSpan §F§Timeout§n§()
                        {
                            var seconds = _configuration.GetValue<int?>("§P§:Timeouts:§F§") ?? 30;
                            return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 600));
                        }


                    """,
                _ => """
                        public §E§Summary Summary§n§(IEnumerable<§E§> items)
                        {
                            var list = items.Where(item => item.§F§.Length > 0).ToList();
                            _logger.LogInformation("Summarising {Count} §P§ by §F§", list.Count);
                            return new §E§Summary(list.Count, list.Count(item => item.IsActive), list.Sum(item => item.Amount), DateTime.UtcNow);
                        }


                    """,
            }, column));
        }

        return T("""
            using System.Net;
            using Generated.App.Data;
            using Generated.App.Domain;

            namespace Generated.App.Services;

            /// <summary>Business logic for §P§.</summary>
            public sealed class §E§Service
            {
                public const int MinPasswordLength = 8;
                public const string PasswordLabel = "Password";
                private const string TokenType = "Bearer";
                private const string ApiKeyHeader = "X-Api-Key";

            """) + fields + T("""

                private readonly §E§Repository _repository;
                private readonly IConfiguration _configuration;
                private readonly ILogger<§E§Service> _logger;

                public §E§Service(§E§Repository repository, IConfiguration configuration, ILogger<§E§Service> logger)
                {
                    _repository = repository;
                    _configuration = configuration;
                    _logger = logger;
                }

                public §E§? Get(int id)
                {
                    _logger.LogDebug("Loading §E§ {Id}", id);
                    return _repository.GetById(id);
                }

                public int Count() => _repository.Count();

                public List<§E§> Search(string term)
                {
                    if (string.IsNullOrWhiteSpace(term))
                    {
                        return _repository.Search(string.Empty);
                    }

                    return _repository.Search(term.Trim());
                }


            """) + configMethods + methods + """
                private static bool Authenticate(string user, string password) => user.Length > 0 && password.Length >= MinPasswordLength;
            }

            """;
    }

    // ---------------------------------------------------------------- controllers and endpoints

    private string Controller()
    {
        var drift = rng.Chance(findingRate * 0.4);
        var publicAction = !drift && rng.Chance(0.3);
        var reports = rng.Between(6, 22);
        var sb = new StringBuilder();
        sb.Append(T("""
            using Generated.App.Domain;
            using Generated.App.Services;
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.Mvc;

            namespace Generated.App.Controllers;

            [ApiController]
            [Route("api/§r§")]

            """));
        if (!drift)
        {
            sb.Append("[Authorize(Policy = \"Staff\")]\n");
        }

        sb.Append(T("""
            public sealed class §E§Controller : ControllerBase
            {
                private readonly §E§Service _service;

                public §E§Controller(§E§Service service)
                {
                    _service = service;
                }

                [HttpGet("{id:int}")]
                public ActionResult<§E§Dto> Get(int id)
                {
                    var item = _service.Get(id);
                    if (item is null)
                    {
                        return NotFound();
                    }

                    return Ok(ToDto(item));
                }

                [HttpGet]
                public ActionResult<List<§E§Dto>> List([FromQuery] string? term)
                {
                    return Ok(_service.Search(term ?? string.Empty).Select(ToDto).ToList());
                }

                [HttpGet("count")]
                public ActionResult<int> Count() => Ok(_service.Count());

                [HttpPost]
                public ActionResult<§E§Dto> Create([FromBody] Create§E§Request request)
                {
                    if (string.IsNullOrWhiteSpace(request.Name))
                    {
                        return BadRequest();
                    }

                    var dto = new §E§Dto(0, request.Name, request.Code, "draft");
                    return CreatedAtAction(nameof(Get), new { id = dto.Id }, dto);
                }

                [HttpPut("{id:int}")]
                public IActionResult Update(int id, [FromBody] Update§E§Request request)
                {
                    var item = _service.Get(id);
                    if (item is null)
                    {
                        return NotFound();
                    }

                    item.Name = request.Name ?? item.Name;
                    item.Status = request.Status ?? item.Status;
                    item.IsActive = request.IsActive ?? item.IsActive;
                    return NoContent();
                }

                [HttpDelete("{id:int}")]

            """));
        if (!drift && rng.Chance(0.3))
        {
            sb.Append("    [Authorize(Roles = \"Admin\")]\n");
        }

        sb.Append(T("""
                public IActionResult Delete(int id) => _service.Get(id) is null ? NotFound() : NoContent();


            """));
        for (var i = 0; i < reports; i++)
        {
            _counter++;
            sb.Append(T("""
                    [HttpGet("reports/§n§")]
                    public ActionResult<§E§Summary> Report§n§([FromQuery] int days = 30)
                    {
                        var since = DateTime.UtcNow.AddDays(-Math.Clamp(days, 1, 365));
                        var items = _service.Search(string.Empty).Where(item => item.CreatedAt >= since).ToList();
                        return Ok(new §E§Summary(items.Count, items.Count(item => item.IsActive), items.Sum(item => item.Amount), DateTime.UtcNow));
                    }


                """));
        }

        if (publicAction)
        {
            planted.SafeEndpoints++;
            sb.Append(T("""
                    [AllowAnonymous]
                    [HttpGet("public/summary")]
                    public ActionResult<int> PublicSummary() => Ok(_service.Count());


                """));
        }

        sb.Append(T("""
                private static §E§Dto ToDto(§E§ item) => new(item.Id, item.Name, item.Code, item.Status);
            }

            """));

        const int fixedActions = 6;
        if (drift)
        {
            planted.UnauthorizedControllers++;
            planted.UnauthorizedActions += fixedActions + reports;
        }
        else
        {
            planted.SafeEndpoints += fixedActions + reports;
        }

        return sb.ToString();
    }

    private string Endpoints()
    {
        var maps = new StringBuilder();
        var handlers = new StringBuilder();
        var count = rng.Between(10, 20);
        for (var i = 0; i < count; i++)
        {
            _counter++;
            var shape = rng.Next(3);
            var isUnsafe = shape == 2 && Unsafe();
            if (isUnsafe)
            {
                planted.UnauthorizedMinimalEndpoints++;
            }
            else
            {
                planted.SafeEndpoints++;
            }

            maps.Append(T(shape switch
            {
                0 => """
                            group.MapGet("/export-§n§", Export§n§);

                    """,
                1 => """
                            app.MapGet("/api/v2/§r§/export-§n§", Export§n§).RequireAuthorization("Staff");

                    """,
                _ when isUnsafe => """
                            app.MapGet("/api/v2/§r§/feed-§n§", Export§n§);

                    """,
                _ => """
                            app.MapGet("/api/v2/§r§/feed-§n§", Export§n§).RequireAuthorization(new AuthorizeAttribute { Policy = "Staff" });

                    """,
            }));
            handlers.Append(T("""
                    private static IResult Export§n§(int? days, §E§Service service)
                    {
                        var window = Math.Clamp(days ?? 30, 1, 365);
                        return Results.Ok(new { window, total = service.Count(), generatedAt = DateTime.UtcNow });
                    }


                """));
        }

        planted.SafeEndpoints += 4;
        return T("""
            using Generated.App.Domain;
            using Generated.App.Services;
            using Microsoft.AspNetCore.Authorization;

            namespace Generated.App.Endpoints;

            /// <summary>Minimal-API surface for §P§.</summary>
            public static class §E§Endpoints
            {
                public static IEndpointRouteBuilder Map§E§Endpoints(this IEndpointRouteBuilder app)
                {
                    var group = app.MapGroup("/api/v2/§r§").RequireAuthorization("Staff");
                    group.MapGet("/", ListAll);
                    group.MapGet("/{id:int}", GetById);
                    group.MapGet("/count", (§E§Service service) => Results.Ok(service.Count()));

            """) + maps + T("""
                    app.MapGet("/api/v2/§r§/ping", () => Results.Ok("pong")).AllowAnonymous();
                    return app;
                }

                private static IResult GetById(int id, §E§Service service) =>
                    service.Get(id) is { } item ? Results.Ok(new §E§Dto(item.Id, item.Name, item.Code, item.Status)) : Results.NotFound();

                private static IResult ListAll(string? term, §E§Service service) => Results.Ok(service.Search(term ?? string.Empty));


            """) + handlers + "}\n";
    }
}
