using System.Security.Cryptography;
using System.Text;
using Aegis.Engine.Infrastructure;

namespace Aegis.Service;

/// <summary>
/// The bearer token of the write routes: <c>AEGIS_SERVE_TOKEN</c>, else the token file (<c>--token-file</c>, default
/// <c>.aegis/serve/token</c>), generated on first start with mode 0600 and ignored by git. Never printed in full.
/// </summary>
public static class ServeToken
{
    public const string EnvironmentVariable = "AEGIS_SERVE_TOKEN";

    /// <summary>Shorter than this is refused: a token is a secret, not a password someone types.</summary>
    public const int MinimumLength = 16;

    public static string DefaultFile(string repositoryRoot) => Path.Combine(repositoryRoot, ".aegis", "serve", "token");

    /// <summary>The token and where it came from. <paramref name="explicitOnly"/>: a generated token does not count
    /// (a service beyond loopback needs one someone chose to hand out); null is returned instead.</summary>
    public static (string Token, string Source)? Resolve(string repositoryRoot, string? tokenFile, Func<string, string?> environment, bool explicitOnly)
    {
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return (Checked(fromEnvironment.Trim(), EnvironmentVariable), EnvironmentVariable);
        }

        if (explicitOnly && tokenFile is null)
        {
            // The default file is one nobody handed out on purpose: not enough beyond loopback.
            return null;
        }

        var path = Path.GetFullPath(tokenFile ?? DefaultFile(repositoryRoot));
        if (File.Exists(path))
        {
            return (Checked(File.ReadAllText(path).Trim(), path), path);
        }

        if (tokenFile is not null)
        {
            throw new AegisException(ErrorCodes.BadArguments, "--token-file " + tokenFile + " does not exist");
        }

        return (Generate(path), path);
    }

    /// <summary>32 random bytes, base64url, into a new file only its owner can read (created 0600, never widened).</summary>
    public static string Generate(string path)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        // The token is local state: keep it out of commits even where .aegis/ is committed.
        var ignore = Path.Combine(directory, ".gitignore");
        if (!File.Exists(ignore))
        {
            File.WriteAllText(ignore, "*\n", AtomicFile.Utf8NoBom);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom))
        {
            writer.Write(token + "\n");
        }

        return token;
    }

    /// <summary>What may be shown of a token: its first four characters.</summary>
    public static string Hint(string token) => token[..Math.Min(4, token.Length)] + "…";

    /// <summary>Constant time in the token's content: both sides are hashed first, so lengths do not leak either.</summary>
    public static bool Matches(string expected, string? presented)
        => presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static string Checked(string token, string source)
        => token.Length >= MinimumLength && !token.Any(char.IsWhiteSpace)
            ? token
            : throw new AegisException(ErrorCodes.BadArguments, "the token from " + source + " must be at least " + MinimumLength + " characters without spaces");
}
