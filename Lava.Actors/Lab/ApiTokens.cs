using System.Security.Cryptography;
using System.Text;

namespace Lava.Actors.Lab;

/// <summary>Makes and hashes the API tokens that users present (workers present certificates): 40 lower-case hex characters, like LAVA's.</summary>
public static class ApiTokens
{
    private const int TokenBytes = 20;

    /// <summary>A new token from the operating system's cryptographic random source.</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>The lower-case hex SHA-256 of <paramref name="token"/>, which is what the stores keep.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>True when <paramref name="token"/> hashes to <paramref name="tokenHash"/>; the comparison takes the same time wherever they differ.</summary>
    public static bool Matches(string token, string tokenHash)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(tokenHash);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(tokenHash));
    }
}
