using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using static RSerPool.Wire.ParameterDecoder;

namespace RSerPool.Wire;

/// <summary>
/// Decodes the common header (RFC 5354 §4) and each message's parameter layout (RFC 5352 §2.2, with
/// the rsplib additions documented on the message records). Parameters are read in order; unknown
/// ones anywhere follow their action bits.
/// </summary>
internal static class MessageDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> source, AsapDecoderOptions options, out AsapMessage? message, out DecodeError error)
    {
        message = null;
        if (!TryCheckFrame(source, options, out int length, out error))
        {
            return false;
        }

        byte type = source[0];
        if (type is 0 or > (byte)AsapMessageType.Error)
        {
            // RFC 5354 §4: top bits 01 = discard and report; 00 = discard; 10 and 11 are reserved, so discard.
            DecodeErrorReason reason = (type >> 6) == 1 ? DecodeErrorReason.UnrecognizedMessageReport : DecodeErrorReason.UnrecognizedMessage;
            error = new DecodeError(reason, 0, type);
            return false;
        }

        var context = new DecodeContext(source[..length], options);
        int bodyStart = 4;
        uint registrarId = 0;
        if ((AsapMessageType)type is AsapMessageType.EndpointKeepAlive or AsapMessageType.ServerAnnounce)
        {
            // Both start with a fixed 32-bit registrar identifier (RFC 5352 §2.2.7, §2.2.10).
            if (length < 8)
            {
                error = new DecodeError(DecodeErrorReason.InvalidMessageLength, 2, type);
                return false;
            }

            registrarId = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
            bodyStart = 8;
        }

        var reader = new TlvReader(context.Message, bodyStart, length);
        AsapMessage? decoded = (AsapMessageType)type switch
        {
            AsapMessageType.Registration => DecodeRegistration(ref context, ref reader),
            AsapMessageType.Deregistration => DecodeHandleAndId(ref context, ref reader, type),
            AsapMessageType.RegistrationResponse => DecodeHandleAndId(ref context, ref reader, type),
            AsapMessageType.DeregistrationResponse => DecodeHandleAndId(ref context, ref reader, type),
            AsapMessageType.HandleResolution => DecodeHandleResolution(ref context, ref reader),
            AsapMessageType.HandleResolutionResponse => DecodeHandleResolutionResponse(ref context, ref reader),
            AsapMessageType.EndpointKeepAlive => DecodeKeepAlive(ref context, ref reader, registrarId),
            AsapMessageType.EndpointKeepAliveAck => DecodeHandleAndId(ref context, ref reader, type),
            AsapMessageType.EndpointUnreachable => DecodeHandleAndId(ref context, ref reader, type),
            AsapMessageType.ServerAnnounce => DecodeServerAnnounce(ref context, ref reader, registrarId),
            AsapMessageType.Cookie => DecodeCookie(ref context, ref reader, echo: false),
            AsapMessageType.CookieEcho => DecodeCookie(ref context, ref reader, echo: true),
            AsapMessageType.BusinessCard => DecodeBusinessCard(ref context, ref reader),
            _ => DecodeAsapError(ref context, ref reader),
        };

        if (decoded is null || !TryDrain(ref context, ref reader))
        {
            error = context.Error;
            return false;
        }

        PaddingEvidence evidence = reader.Evidence != PaddingEvidence.None ? reader.Evidence : context.NestedEvidence;
        message = decoded with
        {
            Flags = source[1],
            Padding = evidence == PaddingEvidence.Included ? PaddingConvention.IncludeTrailingPadding : PaddingConvention.ExcludeTrailingPadding,
            Reported = ValueList<UnrecognizedParameter>.Adopt(context.Reported),
        };
        error = default;
        return true;
    }

    /// <summary>Header, length and padding checks shared by every message (RFC 5354 §4).</summary>
    private static bool TryCheckFrame(ReadOnlySpan<byte> source, AsapDecoderOptions options, out int length, out DecodeError error)
    {
        length = 0;
        if (source.Length < 4)
        {
            error = new DecodeError(DecodeErrorReason.Truncated, source.Length);
            return false;
        }

        length = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        int padded = TlvReader.Pad4(length);
        if (length < 4)
        {
            error = new DecodeError(DecodeErrorReason.InvalidMessageLength, 2, source[0]);
        }
        else if (source.Length < length || (options.RequireFinalPadding && source.Length < padded))
        {
            error = new DecodeError(DecodeErrorReason.Truncated, source.Length, source[0]);
        }
        else if (source.Length > padded)
        {
            error = new DecodeError(DecodeErrorReason.TrailingData, padded, source[0]);
        }
        else
        {
            error = default;
            return true;
        }

        return false;
    }

    private static AsapMessage? DecodeRegistration(ref DecodeContext context, ref TlvReader reader)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle) ||
            !TryExpect(ref context, ref reader, Mask(ParameterType.PoolElement), ParameterType.PoolElement, out AsapParameter? element) ||
            !TryOptional(ref context, ref reader, Mask(ParameterType.OperationError), out AsapParameter? operationError))
        {
            return null;
        }

        return new Registration((PoolHandleParameter)handle!, (PoolElementParameter)element!, (OperationErrorParameter?)operationError);
    }

    /// <summary>The messages made of Pool Handle, PE Identifier and (for the two responses) an optional Operation Error.</summary>
    private static AsapMessage? DecodeHandleAndId(ref DecodeContext context, ref TlvReader reader, byte type)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle) ||
            !TryExpect(ref context, ref reader, Mask(ParameterType.PoolElementIdentifier), ParameterType.PoolElementIdentifier, out AsapParameter? id))
        {
            return null;
        }

        var poolHandle = (PoolHandleParameter)handle!;
        uint poolElementId = ((PoolElementIdParameter)id!).PoolElementId;
        var messageType = (AsapMessageType)type;
        if (messageType is AsapMessageType.Deregistration or AsapMessageType.EndpointKeepAliveAck or AsapMessageType.EndpointUnreachable)
        {
            return messageType switch
            {
                AsapMessageType.Deregistration => new Deregistration(poolHandle, poolElementId),
                AsapMessageType.EndpointKeepAliveAck => new EndpointKeepAliveAck(poolHandle, poolElementId),
                _ => new EndpointUnreachable(poolHandle, poolElementId),
            };
        }

        if (!TryOptional(ref context, ref reader, Mask(ParameterType.OperationError), out AsapParameter? error))
        {
            return null;
        }

        return messageType == AsapMessageType.RegistrationResponse
            ? new RegistrationResponse(poolHandle, poolElementId, isRejected: false, (OperationErrorParameter?)error)
            : new DeregistrationResponse(poolHandle, poolElementId, (OperationErrorParameter?)error);
    }

    private static AsapMessage? DecodeHandleResolution(ref DecodeContext context, ref TlvReader reader)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle) ||
            !TryOptional(ref context, ref reader, Mask(ParameterType.HandleResolutionOption), out AsapParameter? option))
        {
            return null;
        }

        return new HandleResolution((PoolHandleParameter)handle!, (HandleResolutionOptionParameter?)option);
    }

    /// <summary>Pool Handle, then [policy] before the elements, elements, and [Operation Error] last (RFC 5352 §2.2.6).</summary>
    private static AsapMessage? DecodeHandleResolutionResponse(ref DecodeContext context, ref TlvReader reader)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle))
        {
            return null;
        }

        PoolPolicyParameter? policy = null;
        OperationErrorParameter? operationError = null;
        List<PoolElementParameter>? elements = null;
        ulong allowed = Mask(ParameterType.PoolMemberSelectionPolicy) | Mask(ParameterType.PoolElement) | Mask(ParameterType.OperationError);
        while (operationError is null)
        {
            if (!TryNext(ref context, ref reader, allowed, out Tlv tlv, out bool found))
            {
                return null;
            }

            if (!found)
            {
                break;
            }

            if (!TryAddElementLimit(ref context, tlv, elements) || !ParameterDecoder.TryDecode(ref context, tlv, out AsapParameter? parameter))
            {
                return null;
            }

            switch (parameter)
            {
                case PoolPolicyParameter p:
                    policy = p;
                    break;
                case PoolElementParameter e:
                    (elements ??= []).Add(e);
                    break;
                default:
                    operationError = (OperationErrorParameter)parameter!;
                    break;
            }

            allowed = Mask(ParameterType.PoolElement) | Mask(ParameterType.OperationError);
        }

        return new HandleResolutionResponse(
            (PoolHandleParameter)handle!, policy, ValueList<PoolElementParameter>.Adopt(elements), operationError);
    }

    private static AsapMessage? DecodeKeepAlive(ref DecodeContext context, ref TlvReader reader, uint registrarId)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle) ||
            !TryOptional(ref context, ref reader, Mask(ParameterType.PoolElementIdentifier), out AsapParameter? id))
        {
            return null;
        }

        return new EndpointKeepAlive(registrarId, (PoolHandleParameter)handle!, (id as PoolElementIdParameter)?.PoolElementId);
    }

    /// <summary>SCTP/TCP transports (RFC 5352 §2.2.10), then rsplib's optional Server Information.</summary>
    private static AsapMessage? DecodeServerAnnounce(ref DecodeContext context, ref TlvReader reader, uint registrarId)
    {
        List<IPTransportParameter>? transports = null;
        ServerInformationParameter? serverInformation = null;
        ulong allowed = Mask(ParameterType.SctpTransport) | Mask(ParameterType.TcpTransport) | Mask(ParameterType.ServerInformation);
        while (serverInformation is null)
        {
            if (!TryOptional(ref context, ref reader, allowed, out AsapParameter? parameter))
            {
                return null;
            }

            if (parameter is null)
            {
                break;
            }

            if (parameter is ServerInformationParameter information)
            {
                serverInformation = information;
            }
            else
            {
                (transports ??= []).Add((IPTransportParameter)parameter);
            }
        }

        return new ServerAnnounce(registrarId, ValueList<IPTransportParameter>.Adopt(transports), serverInformation);
    }

    private static AsapMessage? DecodeCookie(ref DecodeContext context, ref TlvReader reader, bool echo)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.Cookie), ParameterType.Cookie, out AsapParameter? cookie))
        {
            return null;
        }

        return echo ? new CookieEcho((CookieParameter)cookie!) : new AsapCookie((CookieParameter)cookie!);
    }

    /// <summary>Pool Handle, rsplib's optional policy, then one or more elements (RFC 5352 §2.2.13).</summary>
    private static AsapMessage? DecodeBusinessCard(ref DecodeContext context, ref TlvReader reader)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.PoolHandle), ParameterType.PoolHandle, out AsapParameter? handle))
        {
            return null;
        }

        PoolPolicyParameter? policy = null;
        List<PoolElementParameter>? elements = null;
        ulong allowed = Mask(ParameterType.PoolMemberSelectionPolicy) | Mask(ParameterType.PoolElement);
        while (true)
        {
            if (!TryNext(ref context, ref reader, allowed, out Tlv tlv, out bool found))
            {
                return null;
            }

            if (!found)
            {
                break;
            }

            if (!TryAddElementLimit(ref context, tlv, elements) || !ParameterDecoder.TryDecode(ref context, tlv, out AsapParameter? parameter))
            {
                return null;
            }

            if (parameter is PoolPolicyParameter p)
            {
                policy = p;
            }
            else
            {
                (elements ??= []).Add((PoolElementParameter)parameter!);
            }

            allowed = Mask(ParameterType.PoolElement);
        }

        if (elements is null)
        {
            context.Fail(DecodeErrorReason.MissingParameter, reader.End, (int)ParameterType.PoolElement);
            return null;
        }

        return new BusinessCard((PoolHandleParameter)handle!, ValueList<PoolElementParameter>.Adopt(elements), policy);
    }

    private static AsapMessage? DecodeAsapError(ref DecodeContext context, ref TlvReader reader)
    {
        if (!TryExpect(ref context, ref reader, Mask(ParameterType.OperationError), ParameterType.OperationError, out AsapParameter? error))
        {
            return null;
        }

        return new AsapError((OperationErrorParameter)error!);
    }

    /// <summary>rsplib refuses a response with more than 128 elements; the limit is checked before decoding one more.</summary>
    private static bool TryAddElementLimit(ref DecodeContext context, scoped Tlv tlv, List<PoolElementParameter>? elements)
    {
        if (tlv.Type == (int)ParameterType.PoolElement && elements is not null && elements.Count >= context.Options.MaxPoolElements)
        {
            return context.Fail(DecodeErrorReason.TooManyPoolElements, tlv.Offset, tlv.RawType);
        }

        return true;
    }
}
