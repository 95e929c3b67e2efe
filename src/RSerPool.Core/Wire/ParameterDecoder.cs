using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire;

/// <summary>
/// Decodes parameters (RFC 5354 §3) and applies the unknown-parameter rules. Every function returns
/// <see langword="false"/> after recording the error in the <see cref="DecodeContext"/>; none throws.
/// </summary>
internal static class ParameterDecoder
{
    /// <summary>Every parameter type this decoder knows, as a bit mask over the low 14 bits.</summary>
    public const ulong KnownTypes = 0x1fffeUL | (1UL << (int)ParameterType.HandleResolutionOption);

    public const ulong IPTransports =
        (1UL << (int)ParameterType.DccpTransport) | (1UL << (int)ParameterType.SctpTransport) |
        (1UL << (int)ParameterType.TcpTransport) | (1UL << (int)ParameterType.UdpTransport) |
        (1UL << (int)ParameterType.UdpLiteTransport);

    public const ulong UserTransports = IPTransports | (1UL << (int)ParameterType.OpaqueTransport);

    public static ulong Mask(ParameterType type) => 1UL << (int)type;

    /// <summary>
    /// Moves to the next parameter whose type is in <paramref name="allowed"/>. Any other parameter is
    /// handled by its action bits (RFC 5354 §3): skipped, skipped and reported, or fatal. A known type
    /// that is not allowed here counts as unrecognized, as in rsplib (<c>checkBeginTLV</c>).
    /// </summary>
    /// <returns><see langword="false"/> on error; otherwise <paramref name="found"/> says whether a parameter was returned.</returns>
    public static bool TryNext(ref DecodeContext context, ref TlvReader reader, ulong allowed, out Tlv tlv, out bool found)
    {
        while (reader.HasMore)
        {
            if (!reader.TryRead(out tlv, out DecodeError error))
            {
                found = false;
                return context.Fail(error.Reason, error.Offset, error.TypeCode);
            }

            int type = tlv.Type;
            if (type < 64 && (allowed & (1UL << type)) != 0)
            {
                found = true;
                return true;
            }

            var action = (UnknownParameterAction)(tlv.RawType >> 14);
            UnrecognizedParameter? unrecognized = action is UnknownParameterAction.StopAndReport or UnknownParameterAction.SkipAndReport
                ? new UnrecognizedParameter(context.Message.Slice(tlv.Offset, tlv.Length), tlv.Offset)
                : null;
            switch (action)
            {
                case UnknownParameterAction.Stop:
                    bool known = type < 64 && (KnownTypes & (1UL << type)) != 0;
                    found = false;
                    return context.Fail(known ? DecodeErrorReason.UnexpectedParameter : DecodeErrorReason.UnrecognizedParameter, tlv.Offset, tlv.RawType);
                case UnknownParameterAction.StopAndReport:
                    found = false;
                    return context.Fail(DecodeErrorReason.UnrecognizedParameterReport, tlv.Offset, tlv.RawType, unrecognized);
                case UnknownParameterAction.SkipAndReport:
                    context.Report(unrecognized!);
                    break;
            }
        }

        tlv = default;
        found = false;
        return true;
    }

    /// <summary>Reads and decodes the next parameter, which must have a type in <paramref name="allowed"/>.</summary>
    public static bool TryExpect(ref DecodeContext context, ref TlvReader reader, ulong allowed, ParameterType expected, out AsapParameter? parameter)
    {
        parameter = null;
        if (!TryNext(ref context, ref reader, allowed, out Tlv tlv, out bool found))
        {
            return false;
        }

        if (!found)
        {
            return context.Fail(DecodeErrorReason.MissingParameter, Math.Min(reader.Position, reader.End), (int)expected);
        }

        return TryDecode(ref context, tlv, out parameter);
    }

    /// <summary>Reads and decodes the next parameter if there is one of an allowed type.</summary>
    public static bool TryOptional(ref DecodeContext context, ref TlvReader reader, ulong allowed, out AsapParameter? parameter)
    {
        parameter = null;
        if (!TryNext(ref context, ref reader, allowed, out Tlv tlv, out bool found))
        {
            return false;
        }

        return !found || TryDecode(ref context, tlv, out parameter);
    }

    /// <summary>Applies the unknown-parameter rules to whatever is left in a container.</summary>
    public static bool TryDrain(ref DecodeContext context, ref TlvReader reader) =>
        TryNext(ref context, ref reader, 0, out _, out _);

    /// <summary>Decodes one parameter of a known type, enforcing the nesting limit.</summary>
    public static bool TryDecode(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        int depth = context.Depth + 1;
        if (depth > context.Options.MaxNestingDepth)
        {
            return context.Fail(DecodeErrorReason.NestingTooDeep, tlv.Offset, tlv.RawType);
        }

        int saved = context.Depth;
        context.Depth = depth;
        bool ok = Dispatch(ref context, tlv, out parameter);
        context.Depth = saved;
        return ok;
    }

    private static bool Dispatch(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        ReadOnlySpan<byte> value = tlv.Value;
        switch ((ParameterType)tlv.Type)
        {
            case ParameterType.IPv4Address:
            case ParameterType.IPv6Address:
                int size = tlv.Type == (int)ParameterType.IPv4Address ? 4 : 16;
                if (value.Length != size)
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                parameter = new AddressParameter(new IPAddress(value));
                return true;

            case ParameterType.DccpTransport:
            case ParameterType.SctpTransport:
            case ParameterType.TcpTransport:
            case ParameterType.UdpTransport:
            case ParameterType.UdpLiteTransport:
                return TryDecodeTransport(ref context, tlv, out parameter);

            case ParameterType.PoolMemberSelectionPolicy:
                if (value.Length < 4 ||
                    !PoolPolicyParameter.TryCreate(BinaryPrimitives.ReadUInt32BigEndian(value), value[4..], out PoolPolicyParameter? policy))
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                parameter = policy;
                return true;

            case ParameterType.PoolHandle:
                // RFC 5354 §3.9 allows any length; rsplib refuses an empty handle and bounds it (MAX_POOLHANDLESIZE).
                if (value.IsEmpty)
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                if (value.Length > context.Options.MaxPoolHandleLength)
                {
                    return context.Fail(DecodeErrorReason.PoolHandleTooLong, tlv.Offset, tlv.RawType);
                }

                parameter = new PoolHandleParameter(value.ToArray(), adopt: true);
                return true;

            case ParameterType.PoolElement:
                return TryDecodePoolElement(ref context, tlv, out parameter);

            case ParameterType.ServerInformation:
                return TryDecodeServerInformation(ref context, tlv, out parameter);

            case ParameterType.OperationError:
                return TryDecodeOperationError(ref context, tlv, out parameter);

            case ParameterType.Cookie:
                parameter = new CookieParameter(value.ToArray(), adopt: true);
                return true;

            case ParameterType.PoolElementIdentifier:
                if (value.Length != 4)
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                parameter = new PoolElementIdParameter(BinaryPrimitives.ReadUInt32BigEndian(value));
                return true;

            case ParameterType.PoolElementChecksum:
                if (value.Length != 2)
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                parameter = new PoolElementChecksumParameter(BinaryPrimitives.ReadUInt16BigEndian(value));
                return true;

            case ParameterType.OpaqueTransport:
                parameter = new OpaqueTransportParameter(value.ToArray(), adopt: true);
                return true;

            case ParameterType.HandleResolutionOption:
                if (value.Length != 4)
                {
                    return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
                }

                parameter = new HandleResolutionOptionParameter(BinaryPrimitives.ReadUInt32BigEndian(value));
                return true;

            default:
                return context.Fail(DecodeErrorReason.UnrecognizedParameter, tlv.Offset, tlv.RawType);
        }
    }

    private static bool TryDecodeTransport(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        var type = (ParameterType)tlv.Type;
        int fixedSize = type == ParameterType.DccpTransport ? 8 : 4;
        ReadOnlySpan<byte> value = tlv.Value;
        if (value.Length < fixedSize)
        {
            return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
        }

        ushort port = BinaryPrimitives.ReadUInt16BigEndian(value);
        ushort second = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        var addresses = new List<IPAddress>();
        var reader = new TlvReader(context.Message, tlv.ValueOffset + fixedSize, tlv.End);
        ulong allowed = Mask(ParameterType.IPv4Address) | Mask(ParameterType.IPv6Address);
        while (true)
        {
            if (!TryNext(ref context, ref reader, allowed, out Tlv inner, out bool found))
            {
                return false;
            }

            if (!found)
            {
                break;
            }

            if (addresses.Count == context.Options.MaxAddressesPerTransport)
            {
                return context.Fail(DecodeErrorReason.TooManyAddresses, inner.Offset, inner.RawType);
            }

            if (!TryDecode(ref context, inner, out AsapParameter? address))
            {
                return false;
            }

            addresses.Add(((AddressParameter)address!).Address);
        }

        context.NoteNested(reader);

        // RFC 5354 §3.3–§3.7: SCTP carries at least one address, the others exactly one.
        if (type == ParameterType.SctpTransport ? addresses.Count == 0 : addresses.Count != 1)
        {
            return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
        }

        ValueList<IPAddress> list = ValueList<IPAddress>.Adopt(addresses);
        parameter = type switch
        {
            ParameterType.SctpTransport => new SctpTransportParameter(port, list, (TransportUse)second),
            ParameterType.TcpTransport => new TcpTransportParameter(port, list, (TransportUse)second),
            ParameterType.UdpTransport => new UdpTransportParameter(port, list),
            ParameterType.UdpLiteTransport => new UdpLiteTransportParameter(port, list),
            _ => new DccpTransportParameter(port, list, BinaryPrimitives.ReadUInt32BigEndian(value[4..])),
        };
        return true;
    }

    private static bool TryDecodePoolElement(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        ReadOnlySpan<byte> value = tlv.Value;
        if (value.Length < 12)
        {
            return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
        }

        var reader = new TlvReader(context.Message, tlv.ValueOffset + 12, tlv.End);
        if (!TryExpect(ref context, ref reader, UserTransports, ParameterType.SctpTransport, out AsapParameter? userTransport) ||
            !TryExpect(ref context, ref reader, Mask(ParameterType.PoolMemberSelectionPolicy), ParameterType.PoolMemberSelectionPolicy, out AsapParameter? policy) ||
            !TryOptional(ref context, ref reader, Mask(ParameterType.SctpTransport), out AsapParameter? asapTransport) ||
            !TryDrain(ref context, ref reader))
        {
            return false;
        }

        context.NoteNested(reader);
        parameter = new PoolElementParameter(
            BinaryPrimitives.ReadUInt32BigEndian(value),
            BinaryPrimitives.ReadUInt32BigEndian(value[4..]),
            BinaryPrimitives.ReadInt32BigEndian(value[8..]),
            (UserTransportParameter)userTransport!,
            (PoolPolicyParameter)policy!,
            (SctpTransportParameter?)asapTransport);
        return true;
    }

    private static bool TryDecodeServerInformation(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        if (tlv.Value.Length < 4)
        {
            return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
        }

        var reader = new TlvReader(context.Message, tlv.ValueOffset + 4, tlv.End);
        if (!TryExpect(ref context, ref reader, IPTransports, ParameterType.SctpTransport, out AsapParameter? transport) ||
            !TryDrain(ref context, ref reader))
        {
            return false;
        }

        context.NoteNested(reader);
        parameter = new ServerInformationParameter(BinaryPrimitives.ReadUInt32BigEndian(tlv.Value), (IPTransportParameter)transport!);
        return true;
    }

    /// <summary>
    /// Causes are code/length/information triples padded like parameters (RFC 5354 §3.12); their
    /// information stays raw bytes. Padding evidence is not taken from here because rsplib writes its
    /// one cause unpadded whatever its other lengths do (see <see cref="PaddingConvention"/>).
    /// </summary>
    private static bool TryDecodeOperationError(ref DecodeContext context, scoped Tlv tlv, out AsapParameter? parameter)
    {
        parameter = null;
        var causes = new List<ErrorCause>();
        var reader = new TlvReader(context.Message, tlv.ValueOffset, tlv.End);
        while (reader.HasMore)
        {
            if (!reader.TryRead(out Tlv cause, out DecodeError error))
            {
                return context.Fail(error.Reason, error.Offset, error.TypeCode);
            }

            causes.Add(new ErrorCause((ErrorCauseCode)cause.RawType, cause.Value.ToArray()));
        }

        if (causes.Count == 0)
        {
            return context.Fail(DecodeErrorReason.InvalidValue, tlv.Offset, tlv.RawType);
        }

        parameter = new OperationErrorParameter(ValueList<ErrorCause>.Adopt(causes));
        return true;
    }
}
