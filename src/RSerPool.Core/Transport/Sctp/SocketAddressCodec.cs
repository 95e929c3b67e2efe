using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using RSerPool.Transport.Interop;

namespace RSerPool.Transport.Sctp;

/// <summary>
/// Packs endpoints as the packed sockaddr array that sctp_bindx/sctp_connectx take (RFC 6458 §9.1, §9.9):
/// sockaddr_in (16 bytes) and sockaddr_in6 (28 bytes) back to back, no padding between them.
/// </summary>
internal static class SocketAddressCodec
{
    internal const int Ipv4Size = 16;
    internal const int Ipv6Size = 28;

    internal static byte[] Pack(IReadOnlyList<IPEndPoint> endpoints)
    {
        int size = 0;
        foreach (IPEndPoint e in endpoints)
        {
            size += e.AddressFamily == AddressFamily.InterNetworkV6 ? Ipv6Size : Ipv4Size;
        }

        byte[] packed = new byte[size];
        int offset = 0;
        foreach (IPEndPoint e in endpoints)
        {
            offset += Write(e, packed.AsSpan(offset));
        }

        return packed;
    }

    internal static int Write(IPEndPoint endpoint, Span<byte> destination)
    {
        // sa_family is host order; the port is network order.
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            BitConverter.TryWriteBytes(destination, (ushort)Libc.AF_INET6);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endpoint.Port);
            destination.Slice(4, 4).Clear();
            endpoint.Address.TryWriteBytes(destination.Slice(8, 16), out _);
            BitConverter.TryWriteBytes(destination[24..], (uint)endpoint.Address.ScopeId);
            return Ipv6Size;
        }

        BitConverter.TryWriteBytes(destination, (ushort)Libc.AF_INET);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endpoint.Port);
        endpoint.Address.TryWriteBytes(destination.Slice(4, 4), out _);
        destination.Slice(8, 8).Clear();
        return Ipv4Size;
    }
}
