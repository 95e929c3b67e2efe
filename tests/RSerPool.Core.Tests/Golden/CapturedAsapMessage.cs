namespace RSerPool.Tests.Golden;

/// <summary>
/// One application message taken out of a capture: the user data of one (reassembled) SCTP DATA
/// message, or one UDP payload. <see cref="PcapAsapExtractor.Extract(string)"/> returns only ASAP
/// messages; <see cref="PcapAsapExtractor.ReadAllPayloads(string)"/> returns every payload in
/// this shape (user data, ENRP, ...), which the exclusion tests count.
/// </summary>
/// <param name="File">Capture file name (no directory), e.g. "asap-echo-basic.pcap".</param>
/// <param name="Frame">1-based frame number, as tshark numbers frames (for a message split over
/// several DATA chunks: the frame of the last fragment, where tshark shows the reassembly).</param>
/// <param name="Transport">"sctp" (also SCTP over UDP, see <see cref="UdpEncapsulated"/>) or "udp".</param>
/// <param name="Ppid">SCTP payload protocol identifier (host order; 11 = ASAP); 0 for UDP.</param>
/// <param name="Stream">SCTP stream identifier; 0 for UDP.</param>
/// <param name="Source">IP address and SCTP/UDP port, formatted like <see cref="System.Net.IPEndPoint"/>
/// ("127.0.0.1:3863", "[::1]:3863").</param>
/// <param name="Destination">Same format as <paramref name="Source"/>.</param>
/// <param name="Bytes">The message exactly as carried on the wire (including any trailing padding).</param>
public sealed record CapturedAsapMessage(
    string File,
    int Frame,
    string Transport,
    uint Ppid,
    ushort Stream,
    string Source,
    string Destination,
    byte[] Bytes)
{
    /// <summary>True when the SCTP packet travelled inside UDP (RFC 6951, port 9899).</summary>
    public bool UdpEncapsulated { get; init; }

    /// <summary>0-based position among the payloads of the same kind taken from this frame.</summary>
    public int IndexInFrame { get; init; }
}
