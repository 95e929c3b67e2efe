using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace RSerPool.Tests.Golden;

/// <summary>
/// Checks the pcap extractor against tshark's decodes (TestData/golden/expected.json) and pins what
/// the rsplib 3.4.4 captures contain, so a changed capture or extractor shows up as a count change.
/// </summary>
public sealed class PcapAsapExtractorTests
{
    // Message-type histograms (type -> count), from the lab README and tshark's summaries.
    private static readonly Dictionary<string, Dictionary<int, int>> Histograms = new()
    {
        ["asap-dotnet-probe.pcap"] = new() { [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 2, [6] = 2, [7] = 2, [8] = 2, [10] = 11 },
        ["asap-echo-basic.pcap"] = new() { [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 4, [8] = 4, [10] = 21 },
        // The survivor was frozen: one keep-alive went unanswered (27 vs 26).
        ["asap-echo-failover.pcap"] = new() { [1] = 4, [2] = 1, [3] = 4, [4] = 1, [5] = 3, [6] = 3, [7] = 27, [8] = 26, [10] = 63 },
        ["asap-echo-unreachable.pcap"] = new() { [1] = 6, [2] = 2, [3] = 6, [4] = 2, [5] = 7, [6] = 7, [7] = 23, [8] = 23, [9] = 3, [10] = 71 },
        // README: 20 ASAP Cookie (PE -> PU) and 5 ASAP Cookie Echo (PU -> new PE).
        ["asap-pingpong-cookie.pcap"] = new() { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 6, [6] = 6, [7] = 9, [8] = 9, [10] = 25, [11] = 20, [12] = 5 },
        ["udpencap-eth0.pcap"] = new() { [10] = 17 },
        ["udpencap-lo.pcap"] = new() { [1] = 1, [2] = 1, [3] = 1, [4] = 1, [7] = 3, [8] = 3, [10] = 17 },
    };

    // Non-ASAP SCTP user messages per PPID (0 = echo lines, 33 = PingPong) and ENRP messages.
    private static readonly Dictionary<string, (Dictionary<uint, int> UserData, int Enrp)> Excluded = new()
    {
        ["asap-dotnet-probe.pcap"] = (new(), 5),
        ["asap-echo-basic.pcap"] = (new() { [0] = 6 }, 9),
        ["asap-echo-failover.pcap"] = (new() { [0] = 28 }, 26),
        ["asap-echo-unreachable.pcap"] = (new() { [0] = 2 }, 30),
        ["asap-pingpong-cookie.pcap"] = (new() { [33] = 40 }, 11),
        // Frame 33 is PPID-0 user data to SCTP port 3863 that tshark labels "Unknown ASAP type".
        ["udpencap-eth0.pcap"] = (new() { [0] = 5 }, 7),
        ["udpencap-lo.pcap"] = (new(), 7),
    };

    public static TheoryData<string> Files
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string file in GoldenData.Files)
            {
                data.Add(file);
            }

            return data;
        }
    }

    [Fact]
    public void ExpectedJson_CoversTheKnownCaptures()
    {
        Assert.Equal(1, GoldenData.Expected.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(Histograms.Keys.Order(), GoldenData.Files.Order());
        Assert.Equal(472, GoldenData.Expected.GetProperty("messages").GetArrayLength());
        Assert.Equal(472, GoldenData.LoadAll().Count);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Capture_IsTheUnchangedLabCopy_WithEthernetLinkType(string file)
    {
        JsonElement entry = GoldenData.FileEntry(file);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(GoldenData.PcapPath(file))));
        Assert.Equal(entry.GetProperty("sha256").GetString(), sha256);
        Assert.Equal(1u, PcapAsapExtractor.ReadLinkType(GoldenData.PcapPath(file)));
        Assert.Equal(["Ethernet (1)"], entry.GetProperty("linkTypes").EnumerateArray().Select(e => e.GetString()));
    }

    // (a) Same messages, same frames, same order as tshark; transport metadata agrees.
    [Theory]
    [MemberData(nameof(Files))]
    public void Extract_FindsExactlyTheMessagesTsharkDecoded(string file)
    {
        IReadOnlyList<CapturedAsapMessage> captured = PcapAsapExtractor.Extract(GoldenData.PcapPath(file));
        List<JsonElement> expected = ExpectedMessages(file);

        Assert.Equal(GoldenData.FileEntry(file).GetProperty("asapMessages").GetInt32(), captured.Count);
        Assert.Equal(expected.Count, captured.Count);
        Assert.Equal(
            expected.Select(e => (e.GetProperty("frame").GetInt32(), e.GetProperty("index").GetInt32())),
            captured.Select(c => (c.Frame, c.IndexInFrame)));
        for (int i = 0; i < captured.Count; i++)
        {
            CapturedAsapMessage c = captured[i];
            JsonElement e = expected[i];
            Assert.Equal(e.GetProperty("transport").GetString(), c.Transport);
            Assert.Equal(e.GetProperty("udpEncapsulated").GetBoolean(), c.UdpEncapsulated);
            Assert.Equal(Endpoint(e, "source", "sourcePort"), IPEndPoint.Parse(c.Source));
            Assert.Equal(Endpoint(e, "destination", "destinationPort"), IPEndPoint.Parse(c.Destination));
            if (c.Transport == "sctp")
            {
                Assert.Equal(11u, c.Ppid);
                Assert.Equal(e.GetProperty("ppid").GetUInt32(), c.Ppid);
                Assert.Equal(e.GetProperty("stream").GetUInt16(), c.Stream);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, e.GetProperty("ppid").ValueKind);
            }
        }
    }

    // (b) Header bytes agree with tshark; the payload is the header length rounded up to 4.
    [Fact]
    public void EveryMessage_HeaderMatchesTshark_AndLengthIsPadded()
    {
        foreach (GoldenMessage m in GoldenData.LoadAll())
        {
            byte[] bytes = m.Captured.Bytes;
            int length = m.Expected.GetProperty("length").GetInt32();
            Assert.True(bytes.Length >= 4, m.Name);
            Assert.True(m.Expected.GetProperty("type").GetByte() == bytes[0], m.Name);
            Assert.True(m.Expected.GetProperty("flags").GetByte() == bytes[1], m.Name);
            Assert.True(length == BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2)), m.Name);
            Assert.True(m.Expected.GetProperty("payloadLength").GetInt32() == bytes.Length, m.Name);
            Assert.True(bytes.Length == ((length + 3) & ~3), $"{m.Name}: {bytes.Length} bytes for length {length}");
            Assert.True(bytes.AsSpan(length).IndexOfAnyExcept((byte)0) < 0, $"{m.Name}: non-zero padding");
        }
    }

    // Beyond the header: the top-level TLVs (RFC 5354 §2: type, length without padding, value,
    // pad to 4) are exactly tshark's parameters, and opaque values match byte for byte.
    [Fact]
    public void EveryMessage_TopLevelTlvsMatchTshark()
    {
        foreach (GoldenMessage m in GoldenData.LoadAll())
        {
            byte[] bytes = m.Captured.Bytes;
            int end = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2));
            int offset = m.Expected.TryGetProperty("serverIdentifier", out JsonElement serverId) ? 8 : 4;
            if (offset == 8)
            {
                Assert.True(serverId.GetUInt32() == BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)), m.Name);
            }

            foreach (JsonElement parameter in m.Expected.GetProperty("parameters").EnumerateArray())
            {
                int type = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset));
                int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 2));
                Assert.True(parameter.GetProperty("type").GetInt32() == type, $"{m.Name} @{offset}");
                Assert.True(parameter.GetProperty("length").GetInt32() == length, $"{m.Name} @{offset}");
                string value = Convert.ToHexStringLower(bytes, offset + 4, length - 4);
                foreach (string key in new[] { "poolHandleHex", "cookieHex" })
                {
                    if (parameter.TryGetProperty(key, out JsonElement hex))
                    {
                        Assert.True(hex.GetString() == value, $"{m.Name}: {key}");
                    }
                }

                offset += (length + 3) & ~3;
            }

            Assert.True(offset == ((end + 3) & ~3), $"{m.Name}: TLVs end at {offset}, length {end}");
        }
    }

    // (c) User data (PPID != 11) and ENRP are read but never reported as ASAP.
    [Theory]
    [MemberData(nameof(Files))]
    public void UserDataAndEnrp_AreExcluded(string file)
    {
        IReadOnlyList<CapturedAsapMessage> all = PcapAsapExtractor.ReadAllPayloads(GoldenData.PcapPath(file));
        IReadOnlyList<CapturedAsapMessage> asap = PcapAsapExtractor.Extract(GoldenData.PcapPath(file));
        JsonElement entry = GoldenData.FileEntry(file);
        (Dictionary<uint, int> userData, int enrp) = Excluded[file];

        var sctpByPpid = all.Where(p => p.Transport == "sctp").GroupBy(p => p.Ppid).ToDictionary(g => g.Key, g => g.Count());
        var tsharkByPpid = entry.GetProperty("sctpDataChunksByPpid").EnumerateObject().ToDictionary(p => uint.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetInt32());
        Assert.Equal(Sorted(tsharkByPpid), Sorted(sctpByPpid));
        Assert.Equal(Sorted(userData), Sorted(sctpByPpid.Where(kv => kv.Key != 11)));

        Assert.Equal(enrp, all.Count(PcapAsapExtractor.IsEnrp));
        Assert.Equal(entry.GetProperty("enrpMessages").GetInt32(), all.Count(PcapAsapExtractor.IsEnrp));

        // Nothing else travels over plain UDP here: only announces and ENRP presences.
        Assert.Equal(all.Count(p => p.Transport == "udp"), asap.Count(p => p.Transport == "udp") + enrp);
        Assert.All(asap, m => Assert.False(PcapAsapExtractor.IsEnrp(m)));
        Assert.All(asap.Where(m => m.Transport == "sctp"), m => Assert.Equal(11u, m.Ppid));

        // tshark's port-based "ASAP" decodes of PPID-0 data are not ASAP.
        foreach (JsonElement excluded in entry.GetProperty("excludedAsapDecodes").EnumerateArray())
        {
            int frame = excluded.GetProperty("frame").GetInt32();
            Assert.Contains(all, p => p.Frame == frame && p.Ppid == 0 && IPEndPoint.Parse(p.Destination).Port == 3863);
            Assert.DoesNotContain(asap, m => m.Frame == frame);
        }
    }

    // (d) Per-file message-type histogram, pinned and cross-checked with expected.json.
    [Theory]
    [MemberData(nameof(Files))]
    public void TypeHistogram_IsPinned(string file)
    {
        var histogram = PcapAsapExtractor.Extract(GoldenData.PcapPath(file))
            .GroupBy(m => (int)m.Bytes[0]).ToDictionary(g => g.Key, g => g.Count());
        var tshark = GoldenData.FileEntry(file).GetProperty("typeCounts").EnumerateArray()
            .ToDictionary(t => t.GetProperty("type").GetInt32(), t => t.GetProperty("count").GetInt32());

        Assert.Equal(Sorted(Histograms[file]), Sorted(histogram));
        Assert.Equal(Sorted(tshark), Sorted(histogram));
    }

    // The per-message theory shape offered to codec tests works: one case per golden message.
    [Theory]
    [MemberData(nameof(GoldenData.Keys), MemberType = typeof(GoldenData))]
    public void GoldenDataKeys_FindTheirMessage(string file, int frame, int index)
    {
        GoldenMessage m = GoldenData.Find(file, frame, index);
        Assert.Equal(file, m.Expected.GetProperty("file").GetString());
        Assert.Equal(frame, m.Expected.GetProperty("frame").GetInt32());
        Assert.Equal(index, m.Expected.GetProperty("index").GetInt32());
        Assert.Equal($"{file}#{frame}/{index}", m.Name);
    }

    [Fact]
    public void Announces_GoOverUdpToTheRsplibGroup_AndNothingElseDoes()
    {
        List<GoldenMessage> udp = GoldenData.LoadAll().Where(m => m.Captured.Transport == "udp").ToList();
        Assert.Equal(11 + 21 + 63 + 71 + 25 + 17 + 17, udp.Count);
        Assert.All(udp, m => Assert.Equal(10, m.Captured.Bytes[0]));
        Assert.All(udp, m => Assert.Equal("239.0.0.50:3863", m.Captured.Destination));
        Assert.DoesNotContain(GoldenData.LoadAll(), m => m.Captured.Transport == "sctp" && m.Captured.Bytes[0] == 10);
    }

    [Fact]
    public void Surprises_ArePinned()
    {
        IReadOnlyList<GoldenMessage> all = GoldenData.LoadAll();
        // Every ASAP chunk went over IPv4 although the associations are multi-homed with ::1.
        Assert.DoesNotContain(all, m => IPEndPoint.Parse(m.Captured.Source).AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork);
        // All 25 cookies are 16 bytes ("<PP-TD1>" + 64-bit counter).
        Assert.Equal(25, all.Count(m => m.Captured.Bytes[0] is 11 or 12));
        Assert.All(all.Where(m => m.Captured.Bytes[0] is 11 or 12), m => Assert.Equal(24, m.Captured.Bytes.Length));
        // SCTP over UDP (RFC 6951) carries ten ASAP messages in udpencap-lo.pcap.
        Assert.Equal(10, all.Count(m => m.Captured.UdpEncapsulated));
        // The only TLV whose length is not a multiple of 4: pool handle "NoSuchPool" (14 + 2 pad),
        // once as the last TLV of a HANDLE_RESOLUTION whose message length (20) counts that pad.
        GoldenMessage hr = GoldenData.Find("asap-dotnet-probe.pcap", 50, 0);
        Assert.Equal("05000014" + "0009000e" + "4e6f53756368506f6f6c" + "0000", Convert.ToHexStringLower(hr.Captured.Bytes));
    }

    [Fact]
    public void Synthetic_SllIpv6_BundlingPaddingAndFragmentsAcrossPaths()
    {
        // A 26-byte message in two DATA fragments that travel over two different IPv6 paths of one
        // association; the second packet bundles the last fragment (odd length, padded) with user data.
        byte[] message = [0x09, 0x00, 0x00, 0x1a, .. Enumerable.Range(1, 22).Select(i => (byte)i)];
        byte[] sack = [3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 0, 0, 0];
        byte[] frame1 = Sctp([.. sack, .. Data(0x02, 100, 1, 11, message[..9])]);
        byte[] frame3 = Sctp([.. Data(0x01, 101, 1, 11, message[9..]), .. Data(0x03, 102, 2, 0, [0x41])]);
        byte[] enrp = Ipv6(17, [0x26, 0xad, 0x26, 0xad, 0, 12, 0, 0, 1, 0, 0, 4], 1);

        using var pcap = new MemoryStream();
        pcap.Write(Convert.FromHexString("a1b23c4d00020004000000000000000000040000" + "00000114"));   // big-endian, ns, SLL2
        foreach (byte[] packet in new[] { Ipv6(132, frame1, 1), enrp, Ipv6(132, frame3, 2) })
        {
            byte[] sll2 = [0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. packet];   // IPv6, ifindex 1, ARPHRD_LOOPBACK
            pcap.Write(Convert.FromHexString($"0000000000000000{sll2.Length:x8}{sll2.Length:x8}"));
            pcap.Write(sll2);
        }

        pcap.Position = 0;
        IReadOnlyList<CapturedAsapMessage> payloads = PcapAsapExtractor.ReadAllPayloads(pcap, "synthetic.pcap");
        pcap.Position = 0;
        CapturedAsapMessage asap = Assert.Single(PcapAsapExtractor.Extract(pcap, "synthetic.pcap"));

        Assert.Equal(3, payloads.Count);
        Assert.Equal(3, asap.Frame);
        Assert.Equal(message, asap.Bytes);
        Assert.Equal((ushort)1, asap.Stream);
        Assert.Equal("[2001:db8::2]:40000", asap.Source);
        Assert.Equal("[2001:db8::ff]:3863", asap.Destination);
        Assert.Single(payloads, PcapAsapExtractor.IsEnrp);
        Assert.Single(payloads, p => p.Ppid == 0 && p.Transport == "sctp" && p.Bytes.SequenceEqual(new byte[] { 0x41 }));
    }

    private static List<(TKey Key, int Count)> Sorted<TKey>(IEnumerable<KeyValuePair<TKey, int>> counts) =>
        counts.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).ToList();

    private static List<JsonElement> ExpectedMessages(string file) =>
        GoldenData.Expected.GetProperty("messages").EnumerateArray()
            .Where(e => e.GetProperty("file").GetString() == file).ToList();

    private static IPEndPoint Endpoint(JsonElement e, string address, string port) =>
        new(IPAddress.Parse(e.GetProperty(address).GetString()!), e.GetProperty(port).GetInt32());

    private static byte[] Data(byte flags, uint tsn, ushort stream, uint ppid, byte[] userData)
    {
        byte[] chunk = new byte[(16 + userData.Length + 3) & ~3];
        chunk[1] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(2), (ushort)(16 + userData.Length));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4), tsn);
        BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(8), stream);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(12), ppid);
        userData.CopyTo(chunk, 16);
        return chunk;
    }

    private static byte[] Sctp(byte[] chunks) =>
        [0x9c, 0x40, 0x0f, 0x17, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, .. chunks];   // 40000 -> 3863, vtag, crc 0

    private static byte[] Ipv6(byte nextHeader, byte[] payload, byte sourceHost)
    {
        byte[] header = new byte[40];
        header[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)payload.Length);
        header[6] = nextHeader;
        header[7] = 64;
        IPAddress.Parse($"2001:db8::{sourceHost:x}").GetAddressBytes().CopyTo(header, 8);
        IPAddress.Parse("2001:db8::ff").GetAddressBytes().CopyTo(header, 24);
        return [.. header, .. payload];
    }
}
