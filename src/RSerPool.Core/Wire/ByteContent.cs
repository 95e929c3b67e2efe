using System;

namespace RSerPool.Wire;

/// <summary>Content equality and hashing for the byte arrays the wire records keep.</summary>
internal static class ByteContent
{
    public static int GetHashCode(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Copies caller-supplied bytes so a record cannot change behind its back.</summary>
    public static byte[] Copy(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? [] : bytes.ToArray();
}
