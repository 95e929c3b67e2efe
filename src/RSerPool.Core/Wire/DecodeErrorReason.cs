using System;

namespace RSerPool.Wire;

/// <summary>Why <see cref="AsapCodec.TryDecode(System.ReadOnlySpan{byte}, out AsapMessage?, out DecodeError)"/> refused its input.</summary>
public enum DecodeErrorReason
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The input ends before the message header, the message length or the final padding.</summary>
    Truncated,

    /// <summary>The message length is smaller than the header plus the message's fixed fields.</summary>
    InvalidMessageLength,

    /// <summary>Bytes follow the message and its padding (one SCTP message carries exactly one ASAP message).</summary>
    TrailingData,

    /// <summary>
    /// Unknown message type whose action bits are <c>00</c> (or the reserved <c>10</c>/<c>11</c>):
    /// discard silently (RFC 5354 §4).
    /// </summary>
    UnrecognizedMessage,

    /// <summary>
    /// Unknown message type whose action bits are <c>01</c>: discard and answer with an ASAP_ERROR
    /// carrying an "Unrecognized Message" cause (RFC 5354 §4, §3.12.3).
    /// </summary>
    UnrecognizedMessageReport,

    /// <summary>A parameter header does not fit, its length is below 4, or it overruns its container.</summary>
    InvalidParameterLength,

    /// <summary>Unknown parameter with action bits <c>00</c>: stop and discard the message (RFC 5354 §3).</summary>
    UnrecognizedParameter,

    /// <summary>
    /// Unknown parameter with action bits <c>01</c>: stop, discard, and report it
    /// (<see cref="DecodeError.Parameter"/> carries it for the "Unrecognized Parameter" cause).
    /// </summary>
    UnrecognizedParameterReport,

    /// <summary>A known parameter type where the message layout does not allow it (treated as action <c>00</c>, as rsplib does).</summary>
    UnexpectedParameter,

    /// <summary>A parameter the message layout requires is absent.</summary>
    MissingParameter,

    /// <summary>A parameter's value has the wrong size or an impossible value.</summary>
    InvalidValue,

    /// <summary>A pool handle is longer than <see cref="AsapDecoderOptions.MaxPoolHandleLength"/>.</summary>
    PoolHandleTooLong,

    /// <summary>More pool element parameters than <see cref="AsapDecoderOptions.MaxPoolElements"/>.</summary>
    TooManyPoolElements,

    /// <summary>A transport parameter lists more addresses than <see cref="AsapDecoderOptions.MaxAddressesPerTransport"/>.</summary>
    TooManyAddresses,

    /// <summary>Parameters are nested deeper than <see cref="AsapDecoderOptions.MaxNestingDepth"/>.</summary>
    NestingTooDeep,
}
