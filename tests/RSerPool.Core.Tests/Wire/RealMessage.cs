namespace RSerPool.Tests.Wire;

/// <summary>One ASAP message captured from rsplib 3.4.4 traffic, with where it came from.</summary>
/// <param name="File">Capture file under /work/shared/vectors (also in TestData/pcap).</param>
/// <param name="Frame">Frame number in that capture (1-based, as tshark counts).</param>
/// <param name="Hex">The SCTP DATA payload (PPID 11) or UDP payload (port 3863), as hex.</param>
public sealed record RealMessage(string File, int Frame, string Hex)
{
    public byte[] Bytes => System.Convert.FromHexString(Hex);

    public override string ToString() => $"{File}#{Frame}";
}
