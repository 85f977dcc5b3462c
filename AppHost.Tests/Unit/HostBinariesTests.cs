using AppHost.HostExecutables;

namespace AppHost.Tests.Unit;

/// <summary>Host executables need this machine's programs; a missing one is named with how to install it.</summary>
public sealed class HostBinariesTests
{
    [Fact]
    public void A_missing_program_is_named_with_how_to_install_it()
    {
        var empty = Directory.CreateTempSubdirectory("chat-bin-").FullName;
        try
        {
            var redis = Assert.Throws<MissingHostProgramException>(() => HostBinaries.RequireRedisServer([empty]));
            Assert.Contains("redis-server", redis.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install -y redis-server", redis.Message, StringComparison.Ordinal);
            Assert.Contains("eng/bootstrap.sh", redis.Message, StringComparison.Ordinal);

            var postgres = Assert.Throws<MissingHostProgramException>(() => HostBinaries.RequirePostgresBinDirectory([empty]));
            Assert.Contains("initdb and postgres", postgres.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install -y postgresql", postgres.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Initdb_counts_only_next_to_postgres()
    {
        var directory = Directory.CreateTempSubdirectory("chat-bin-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "initdb"), string.Empty);
            Assert.Throws<MissingHostProgramException>(() => HostBinaries.RequirePostgresBinDirectory([directory]));

            File.WriteAllText(Path.Combine(directory, "postgres"), string.Empty);
            Assert.Equal(directory, HostBinaries.RequirePostgresBinDirectory([directory]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
