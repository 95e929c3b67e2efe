using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;

namespace RSerPool.Tests.Golden;

/// <summary>
/// Pulls ASAP messages out of classic libpcap files, so golden tests can use real rsplib traffic
/// without tshark. Deliberately small and strict: anything it does not understand in a packet it
/// needs (pcapng, IP fragments, a chunk running past its packet) throws, because a silently dropped
/// message would make the golden counts lie. Packets it does not need (ARP, TCP, ICMP) are skipped.
/// </summary>
public static class PcapAsapExtractor
{
    /// <summary>SCTP payload protocol identifier of ASAP (RFC 5352 §8.3).</summary>
    public const uint AsapPpid = 11;

    /// <summary>SCTP payload protocol identifier of ENRP (RFC 5353).</summary>
    public const uint EnrpPpid = 12;

    /// <summary>ASAP port; rsplib multicasts ASAP_SERVER_ANNOUNCE to 239.0.0.50:3863 over UDP.</summary>
    public const int AsapPort = 3863;

    /// <summary>ENRP port (UDP multicast 239.0.0.51:9901 in rsplib).</summary>
    public const int EnrpPort = 9901;

    /// <summary>IANA port for SCTP over UDP (RFC 6951 §5.1).</summary>
    public const int SctpUdpEncapsulationPort = 9899;

    /// <summary>Every ASAP message of a capture: SCTP DATA with PPID 11, or UDP from/to port 3863.</summary>
    public static IReadOnlyList<CapturedAsapMessage> Extract(string path) =>
        Number(ReadAllPayloads(path).Where(IsAsap));

    /// <summary>Every ASAP message of a capture read from <paramref name="pcap"/>.</summary>
    public static IReadOnlyList<CapturedAsapMessage> Extract(Stream pcap, string fileName) =>
        Number(ReadAllPayloads(pcap, fileName).Where(IsAsap));

    /// <summary>
    /// True for ASAP: PPID 11 on SCTP. Port 3863 alone does not make SCTP user data ASAP (tshark
    /// guesses so, rsplib does not: it refuses messages with another PPID). On UDP there is no
    /// PPID, so the port decides.
    /// </summary>
    public static bool IsAsap(CapturedAsapMessage message) => Matches(message, AsapPpid, AsapPort);

    /// <summary>True for ENRP: PPID 12 on SCTP, port 9901 on UDP.</summary>
    public static bool IsEnrp(CapturedAsapMessage message) => Matches(message, EnrpPpid, EnrpPort);

    /// <summary>The link-layer header type of the file (LINKTYPE_*: 1 Ethernet, 113 SLL, 276 SLL2...).</summary>
    public static uint ReadLinkType(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return ReadGlobalHeader(new BinaryReader(stream), out _);
    }

    /// <summary>Every SCTP user message (any PPID) and every UDP payload, in capture order.</summary>
    public static IReadOnlyList<CapturedAsapMessage> ReadAllPayloads(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return ReadAllPayloads(stream, Path.GetFileName(path));
    }

    /// <summary>Every SCTP user message (any PPID) and every UDP payload, in capture order.</summary>
    public static IReadOnlyList<CapturedAsapMessage> ReadAllPayloads(Stream pcap, string fileName)
    {
        ArgumentNullException.ThrowIfNull(pcap);
        var reader = new BinaryReader(pcap);
        uint linkType = ReadGlobalHeader(reader, out bool swapped);
        var state = new State(fileName);
        // Record header (16 bytes): ts_sec, ts_usec, incl_len, orig_len. Frames count from 1 like tshark's.
        for (int frame = 1; pcap.Position + 16 <= pcap.Length; frame++)
        {
            byte[] header = reader.ReadBytes(16);
            int capturedLength = checked((int)U32(header.AsSpan(8), swapped));
            byte[] data = reader.ReadBytes(capturedLength);
            if (data.Length != capturedLength)
            {
                throw new InvalidDataException($"{fileName} frame {frame}: truncated record");
            }

            state.Frame = frame;
            ReadLinkLayer(state, linkType, data);
        }

        return Number(state.Output);
    }

    private static IReadOnlyList<CapturedAsapMessage> Number(IEnumerable<CapturedAsapMessage> messages) =>
        messages.GroupBy(m => m.Frame)
            .SelectMany(g => g.Select((m, i) => m with { IndexInFrame = i }))
            .ToList();

    // pcap global header (24 bytes): magic, version 2.4, thiszone, sigfigs, snaplen, network.
    // The magic tells byte order (a1b2c3d4 = microseconds, a1b23c4d = nanoseconds, either order).
    private static uint ReadGlobalHeader(BinaryReader reader, out bool swapped)
    {
        byte[] header = reader.ReadBytes(24);
        uint magic = header.Length == 24 ? BinaryPrimitives.ReadUInt32LittleEndian(header) : 0;
        swapped = magic is 0xd4c3b2a1 or 0x4d3cb2a1;
        if (magic == 0x0a0d0d0a)
        {
            throw new NotSupportedException("pcapng is not supported; convert with `editcap -F pcap`.");
        }

        if (!swapped && magic is not (0xa1b2c3d4 or 0xa1b23c4d))
        {
            throw new InvalidDataException($"not a pcap file (magic 0x{magic:x8})");
        }

        return U32(header.AsSpan(20), swapped) & 0x0fffffff;   // upper bits may carry FCS info
    }

    private static void ReadLinkLayer(State state, uint linkType, ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> ip = linkType switch
        {
            1 => EthernetPayload(frame),    // Linux "lo" is captured as Ethernet with zero MACs
            113 => frame.Length > 16 && IsIp(BinaryPrimitives.ReadUInt16BigEndian(frame[14..])) ? frame[16..] : default,  // Linux SLL
            276 => frame.Length > 20 && IsIp(BinaryPrimitives.ReadUInt16BigEndian(frame)) ? frame[20..] : default,        // Linux SLL2
            0 or 109 => frame.Length > 4 ? frame[4..] : default,   // BSD loopback: 4-byte family; the IP version nibble decides
            12 or 14 or 101 or 228 or 229 => frame,                // raw IP
            _ => throw new NotSupportedException($"{state.File}: link type {linkType} is not supported"),
        };
        ReadIp(state, ip);
    }

    // Ethernet II: 14-byte header, EtherType at 12, after any 802.1Q / 802.1ad tags.
    private static ReadOnlySpan<byte> EthernetPayload(ReadOnlySpan<byte> frame)
    {
        int offset = 12;
        while (frame.Length >= offset + 2 && BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]) is 0x8100 or 0x88a8)
        {
            offset += 4;
        }

        return frame.Length > offset + 2 && IsIp(BinaryPrimitives.ReadUInt16BigEndian(frame[offset..])) ? frame[(offset + 2)..] : default;
    }

    private static bool IsIp(int etherType) => etherType is 0x0800 or 0x86dd;

    private static void ReadIp(State state, ReadOnlySpan<byte> packet)
    {
        int version = packet.Length > 0 ? packet[0] >> 4 : 0;
        int protocol;
        ReadOnlySpan<byte> payload;
        if (version == 4 && packet.Length >= 20)
        {
            // RFC 791: IHL in 32-bit words; Total Length trims Ethernet padding; MF or an offset = fragment.
            int headerLength = (packet[0] & 0x0f) * 4;
            int totalLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(packet[2..]), packet.Length);
            if ((BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) != 0)
            {
                throw new InvalidDataException($"{state.File} frame {state.Frame}: IPv4 fragments are not reassembled");
            }

            protocol = packet[9];
            state.SourceIp = new IPAddress(packet.Slice(12, 4));
            state.DestinationIp = new IPAddress(packet.Slice(16, 4));
            payload = packet[headerLength..totalLength];
        }
        else if (version == 6 && packet.Length >= 40)
        {
            // RFC 8200: fixed 40-byte header, then extension headers until the upper-layer protocol.
            protocol = packet[6];
            state.SourceIp = new IPAddress(packet.Slice(8, 16));
            state.DestinationIp = new IPAddress(packet.Slice(24, 16));
            payload = packet[40..Math.Min(40 + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]), packet.Length)];
            while (protocol is 0 or 43 or 60 or 51 or 44)
            {
                if (protocol == 44 || payload.Length < 8)
                {
                    throw new InvalidDataException($"{state.File} frame {state.Frame}: IPv6 fragment or short extension header");
                }

                int extensionLength = protocol == 51 ? (payload[1] + 2) * 4 : (payload[1] + 1) * 8;
                protocol = payload[0];
                payload = payload[extensionLength..];
            }
        }
        else
        {
            return;
        }

        if (protocol == 132)
        {
            ReadSctp(state, payload, udpEncapsulated: false);
        }
        else if (protocol == 17 && payload.Length >= 8)
        {
            // RFC 768: ports, length (header included), checksum.
            int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload);
            int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
            ReadOnlySpan<byte> data = payload[8..Math.Min(Math.Max((int)BinaryPrimitives.ReadUInt16BigEndian(payload[4..]), 8), payload.Length)];
            if (sourcePort == SctpUdpEncapsulationPort || destinationPort == SctpUdpEncapsulationPort)
            {
                ReadSctp(state, data, udpEncapsulated: true);   // RFC 6951: the UDP payload is a whole SCTP packet
            }
            else
            {
                state.Add("udp", 0, 0, sourcePort, destinationPort, data.ToArray(), udpEncapsulated: false);
            }
        }
    }

    // RFC 4960 §3.1: common header = source port, destination port, verification tag, checksum (12 bytes).
    // The checksum is not checked: loopback captures carry 0 (the kernel offloads CRC32c).
    // RFC 4960 §3.2: chunks follow, each type(8) flags(8) length(16) value; length excludes the
    // zero padding to a multiple of 4, and several chunks can be bundled (e.g. SACK + DATA).
    private static void ReadSctp(State state, ReadOnlySpan<byte> packet, bool udpEncapsulated)
    {
        if (packet.Length < 12)
        {
            throw new InvalidDataException($"{state.File} frame {state.Frame}: short SCTP packet");
        }

        int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(packet);
        int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        uint verificationTag = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        for (int offset = 12; offset + 4 <= packet.Length;)
        {
            int chunkLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            if (chunkLength < (packet[offset] == 0 ? 16 : 4) || offset + chunkLength > packet.Length)
            {
                throw new InvalidDataException($"{state.File} frame {state.Frame}: bad SCTP chunk length {chunkLength}");
            }

            if (packet[offset] == 0)    // DATA; I-DATA (64, RFC 8260) is not used by rsplib and not read here
            {
                ReadData(state, packet.Slice(offset, chunkLength), sourcePort, destinationPort, verificationTag, udpEncapsulated);
            }

            offset += (chunkLength + 3) & ~3;
        }
    }

    // RFC 4960 §3.3.1 DATA: flags U(4) B(2) E(1); TSN(32), stream id(16), stream seq(16), PPID(32), user data.
    // B+E = a whole message. Otherwise fragments with consecutive TSNs are joined per association
    // direction and stream. The key uses ports + verification tag rather than IP addresses, because
    // a multi-homed association may carry the fragments of one message over different paths.
    private static void ReadData(State state, ReadOnlySpan<byte> chunk, int sourcePort, int destinationPort, uint verificationTag, bool udpEncapsulated)
    {
        byte flags = chunk[1];
        uint tsn = BinaryPrimitives.ReadUInt32BigEndian(chunk[4..]);
        ushort stream = BinaryPrimitives.ReadUInt16BigEndian(chunk[8..]);
        uint ppid = BinaryPrimitives.ReadUInt32BigEndian(chunk[12..]);
        byte[] userData = chunk[16..].ToArray();
        bool first = (flags & 0x02) != 0, last = (flags & 0x01) != 0;
        if (first && last)
        {
            state.Add("sctp", ppid, stream, sourcePort, destinationPort, userData, udpEncapsulated);
            return;
        }

        var key = (sourcePort, destinationPort, verificationTag, stream, (flags & 0x04) != 0);
        if (first)
        {
            state.Fragments[key] = new Fragments(tsn, new List<byte[]> { userData });
            return;
        }

        if (!state.Fragments.TryGetValue(key, out Fragments? pending) || tsn != pending.LastTsn + 1)
        {
            return;     // a retransmitted or orphaned fragment; the message is emitted once, on its E chunk
        }

        pending.Parts.Add(userData);
        state.Fragments[key] = pending with { LastTsn = tsn };
        if (last)
        {
            state.Fragments.Remove(key);
            state.Add("sctp", ppid, stream, sourcePort, destinationPort, pending.Parts.SelectMany(p => p).ToArray(), udpEncapsulated);
        }
    }

    private static bool Matches(CapturedAsapMessage message, uint ppid, int port)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Transport == "sctp"
            ? message.Ppid == ppid
            : IPEndPoint.Parse(message.Source).Port == port || IPEndPoint.Parse(message.Destination).Port == port;
    }

    private static uint U32(ReadOnlySpan<byte> bytes, bool swapped) =>
        swapped ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private sealed record Fragments(uint LastTsn, List<byte[]> Parts);

    private sealed class State(string file)
    {
        public string File { get; } = file;

        public int Frame { get; set; }

        public IPAddress SourceIp { get; set; } = IPAddress.None;

        public IPAddress DestinationIp { get; set; } = IPAddress.None;

        public List<CapturedAsapMessage> Output { get; } = [];

        public Dictionary<(int, int, uint, ushort, bool), Fragments> Fragments { get; } = new();

        public void Add(string transport, uint ppid, ushort stream, int sourcePort, int destinationPort, byte[] bytes, bool udpEncapsulated) =>
            Output.Add(new CapturedAsapMessage(
                File, Frame, transport, ppid, stream,
                new IPEndPoint(SourceIp, sourcePort).ToString(),
                new IPEndPoint(DestinationIp, destinationPort).ToString(),
                bytes) { UdpEncapsulated = udpEncapsulated });
    }
}
