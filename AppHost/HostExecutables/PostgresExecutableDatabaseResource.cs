using System.Data.Common;

namespace AppHost.HostExecutables;

/// <summary>A database of a <see cref="PostgresExecutableResource"/>: Aspire's <c>PostgresDatabaseResource</c> for a host server.</summary>
public sealed class PostgresExecutableDatabaseResource(string name, string databaseName, PostgresExecutableResource parent)
    : Resource(name), IResourceWithParent<PostgresExecutableResource>, IResourceWithConnectionString
{
    public PostgresExecutableResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};{new DbConnectionStringBuilder { ["Database"] = DatabaseName }.ToString()}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties(
        [
            new("DatabaseName", ReferenceExpression.Create($"{DatabaseName}")),
            new("Uri", Parent.BuildUri(DatabaseName)),
            new("JdbcConnectionString", Parent.BuildJdbcConnectionString(DatabaseName)),
        ]);
}
