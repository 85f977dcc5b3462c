using System.Security.Cryptography;
using System.Text.Json;

namespace AppHost.Local;

/// <summary>
/// Generated passwords and keys for local resources, kept in the data directory so a persistent database keeps
/// working across runs (what Aspire keeps in user secrets for generated parameters).
/// </summary>
internal sealed class DevSecrets
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private readonly string _path;
    private readonly Dictionary<string, string> _values;

    private DevSecrets(string path, Dictionary<string, string> values)
    {
        _path = path;
        _values = values;
    }

    public static DevSecrets Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secrets.json");
        var values = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        return new DevSecrets(path, values);
    }

    /// <summary>A password of letters and digits (safe in any connection string).</summary>
    public string Password(string name) => GetOrCreate(name, () => RandomNumberGenerator.GetString(Alphabet, 32));

    /// <summary>A base64 key of <paramref name="bytes"/> random bytes.</summary>
    public string Key(string name, int bytes) => GetOrCreate(name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));

    private string GetOrCreate(string name, Func<string> create)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            value = create();
            _values[name] = value;
            File.WriteAllText(_path, JsonSerializer.Serialize(_values));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return value;
    }
}
