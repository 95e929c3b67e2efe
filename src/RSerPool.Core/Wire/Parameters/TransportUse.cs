namespace RSerPool.Wire.Parameters;

/// <summary>
/// Transport Use field of the SCTP Transport parameter (RFC 5354 §3.4); rsplib and Wireshark also read
/// and write it in the TCP Transport parameter, where the RFC has a reserved field.
/// </summary>
public enum TransportUse : ushort
{
    /// <summary><c>0x0000</c>: user data only.</summary>
    DataOnly = 0x0000,

    /// <summary><c>0x0001</c>: user data plus the ASAP control channel (cookies, business cards) on the same association.</summary>
    DataPlusControl = 0x0001,
}
