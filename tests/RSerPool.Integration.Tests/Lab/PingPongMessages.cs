using System;
using System.Buffers.Binary;
using System.Text;

namespace RSerPool.Integration.Lab;

/// <summary>rsplib's PingPong protocol (PPID 33, pingpongpackets.h), as the lab tests speak it.</summary>
public static class PingPongMessages
{
    /// <summary>A Ping: Type 1, Flags, Length, MessageNo, then text.</summary>
    public static byte[] Ping(ulong number)
    {
        byte[] text = Encoding.ASCII.GetBytes($"Message {number}");
        byte[] ping = new byte[12 + text.Length];
        ping[0] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(ping.AsSpan(2), (ushort)ping.Length);
        BinaryPrimitives.WriteUInt64BigEndian(ping.AsSpan(4), number);
        text.CopyTo(ping, 12);
        return ping;
    }
}
