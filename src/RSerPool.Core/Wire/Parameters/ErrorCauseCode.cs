namespace RSerPool.Wire.Parameters;

/// <summary>Error cause codes (RFC 5354 §3.12, IANA "RSerPool Error Causes"), plus the two rsplib puts on the wire.</summary>
public enum ErrorCauseCode : ushort
{
    /// <summary>0x0 Unspecified Error.</summary>
    Unspecified = 0x0,

    /// <summary>0x1 Unrecognized Parameter; information = the whole unknown parameter.</summary>
    UnrecognizedParameter = 0x1,

    /// <summary>0x2 Unrecognized Message; information = the unknown message.</summary>
    UnrecognizedMessage = 0x2,

    /// <summary>0x3 Invalid Values; information = the offending parameter (rsplib calls it INVALID_TLV).</summary>
    InvalidValues = 0x3,

    /// <summary>0x4 Non-unique PE Identifier.</summary>
    NonUniquePoolElementId = 0x4,

    /// <summary>0x5 Inconsistent Pooling Policy; information = the pool's policy parameter.</summary>
    InconsistentPoolingPolicy = 0x5,

    /// <summary>0x6 Lack of Resources.</summary>
    LackOfResources = 0x6,

    /// <summary>0x7 Inconsistent Transport Type; information = a transport parameter of the pool's type.</summary>
    InconsistentTransportType = 0x7,

    /// <summary>0x8 Inconsistent Data/Control Configuration.</summary>
    InconsistentDataControlConfiguration = 0x8,

    /// <summary>0x9 Unknown Pool Handle: what a pool user sees for a pool that does not exist.</summary>
    UnknownPoolHandle = 0x9,

    /// <summary>0xa Rejected due to Security Considerations.</summary>
    RejectedSecurityConsiderations = 0xa,

    /// <summary>0x10 rsplib RSPERR_INVALID_MESSAGE (not in the RFC).</summary>
    InvalidMessage = 0x10,

    /// <summary>0x11 rsplib RSPERR_INVALID_VALUE (not in the RFC).</summary>
    InvalidValue = 0x11,
}
