namespace RSerPool.Wire;

/// <summary>
/// ASAP message types (RFC 5352 §2.2, IANA "ASAP Message Types"; same values in rsplib's
/// <c>rserpoolmessage.h</c> once its 0xaa00 ASAP modifier is removed).
/// </summary>
/// <remarks>
/// The two most significant bits of a type tell a receiver what to do with a type it does not know
/// (RFC 5354 §4): <c>00</c> discard, <c>01</c> discard and report "Unrecognized Message", <c>10</c>/<c>11</c> reserved.
/// <code>
///  7 6 5 4 3 2 1 0
/// +-+-+-+-+-+-+-+-+
/// |A A|  number   |   A A = action when unknown
/// +-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public enum AsapMessageType : byte
{
    /// <summary>ASAP_REGISTRATION (PE to home registrar).</summary>
    Registration = 0x01,

    /// <summary>ASAP_DEREGISTRATION (PE to home registrar).</summary>
    Deregistration = 0x02,

    /// <summary>ASAP_REGISTRATION_RESPONSE (registrar to PE; flag R = rejected).</summary>
    RegistrationResponse = 0x03,

    /// <summary>ASAP_DEREGISTRATION_RESPONSE (registrar to PE).</summary>
    DeregistrationResponse = 0x04,

    /// <summary>ASAP_HANDLE_RESOLUTION (PU or PE to home registrar; flag S = subscribe).</summary>
    HandleResolution = 0x05,

    /// <summary>ASAP_HANDLE_RESOLUTION_RESPONSE (registrar to PU; flag A = subscription accepted).</summary>
    HandleResolutionResponse = 0x06,

    /// <summary>ASAP_ENDPOINT_KEEP_ALIVE (registrar to PE; flag H = sender wants to be the home registrar).</summary>
    EndpointKeepAlive = 0x07,

    /// <summary>ASAP_ENDPOINT_KEEP_ALIVE_ACK (PE to registrar).</summary>
    EndpointKeepAliveAck = 0x08,

    /// <summary>ASAP_ENDPOINT_UNREACHABLE (PU or PE to any registrar).</summary>
    EndpointUnreachable = 0x09,

    /// <summary>ASAP_SERVER_ANNOUNCE (registrar to multicast group, over UDP).</summary>
    ServerAnnounce = 0x0a,

    /// <summary>ASAP_COOKIE (PE to PU on the control channel).</summary>
    Cookie = 0x0b,

    /// <summary>ASAP_COOKIE_ECHO (PU to the new PE after a failover).</summary>
    CookieEcho = 0x0c,

    /// <summary>ASAP_BUSINESS_CARD (PE to PU, or PU to PE when the PU is also a PE).</summary>
    BusinessCard = 0x0d,

    /// <summary>ASAP_ERROR (any ASAP endpoint).</summary>
    Error = 0x0e,
}
