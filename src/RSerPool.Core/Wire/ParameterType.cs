namespace RSerPool.Wire;

/// <summary>
/// RSerPool parameter types (RFC 5354 §3 and §5.1, IANA "RSerPool Parameter Types"), plus rsplib's
/// Handle Resolution Option.
/// </summary>
/// <remarks>
/// The values are the low 14 bits of the wire type; the top two bits carry the action for a receiver
/// that does not know the type (see <see cref="UnknownParameterAction"/>). Known types are matched on
/// the low 14 bits, as rsplib's parser does (<c>PURE_ATT_TYPE</c>), so <c>0x803f</c> is
/// <see cref="HandleResolutionOption"/>.
/// <code>
///  0                   1
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |A A|     parameter number      |   A A = action when unknown
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public enum ParameterType : ushort
{
    /// <summary>IPv4 Address (RFC 5354 §3.1).</summary>
    IPv4Address = 0x0001,

    /// <summary>IPv6 Address (RFC 5354 §3.2).</summary>
    IPv6Address = 0x0002,

    /// <summary>DCCP Transport (RFC 5354 §3.3).</summary>
    DccpTransport = 0x0003,

    /// <summary>SCTP Transport (RFC 5354 §3.4).</summary>
    SctpTransport = 0x0004,

    /// <summary>TCP Transport (RFC 5354 §3.5).</summary>
    TcpTransport = 0x0005,

    /// <summary>UDP Transport (RFC 5354 §3.6).</summary>
    UdpTransport = 0x0006,

    /// <summary>UDP-Lite Transport (RFC 5354 §3.7).</summary>
    UdpLiteTransport = 0x0007,

    /// <summary>Pool Member Selection Policy (RFC 5354 §3.8, RFC 5356).</summary>
    PoolMemberSelectionPolicy = 0x0008,

    /// <summary>Pool Handle (RFC 5354 §3.9).</summary>
    PoolHandle = 0x0009,

    /// <summary>Pool Element (RFC 5354 §3.10).</summary>
    PoolElement = 0x000a,

    /// <summary>Server Information (RFC 5354 §3.11).</summary>
    ServerInformation = 0x000b,

    /// <summary>Operation Error (RFC 5354 §3.12).</summary>
    OperationError = 0x000c,

    /// <summary>Cookie (RFC 5354 §3.13).</summary>
    Cookie = 0x000d,

    /// <summary>PE Identifier (RFC 5354 §3.14).</summary>
    PoolElementIdentifier = 0x000e,

    /// <summary>PE Checksum (RFC 5354 §3.15).</summary>
    PoolElementChecksum = 0x000f,

    /// <summary>Opaque Transport (RFC 5354 §3.16); not implemented by rsplib or Wireshark.</summary>
    OpaqueTransport = 0x0010,

    /// <summary>
    /// rsplib's Handle Resolution Option (draft-dreibholz-rserpool-asap-hropt); sent as <c>0x803f</c>,
    /// i.e. with action bits <c>10</c> (skip if unknown).
    /// </summary>
    HandleResolutionOption = 0x003f,
}
