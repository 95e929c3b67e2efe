using System;
using System.Collections.Generic;

namespace RSerPool.Wire;

/// <summary>State shared by the decoding functions while one message is decoded.</summary>
internal ref struct DecodeContext
{
    public DecodeContext(ReadOnlySpan<byte> message, AsapDecoderOptions options)
    {
        Message = message;
        Options = options;
    }

    /// <summary>The message, cut to its length field (padding after it is never read).</summary>
    public ReadOnlySpan<byte> Message { get; }

    public AsapDecoderOptions Options { get; }

    /// <summary>Set by the first failing function; decoding stops there.</summary>
    public DecodeError Error { get; private set; }

    /// <summary>Nesting depth of the container being read; 0 for the message body.</summary>
    public int Depth { get; set; }

    /// <summary>Padding convention seen inside nested parameters, used when the message level shows none.</summary>
    public PaddingEvidence NestedEvidence { get; private set; }

    /// <summary>Unrecognized parameters with "skip and report" action bits.</summary>
    public List<UnrecognizedParameter>? Reported { get; private set; }

    public bool Fail(DecodeErrorReason reason, int offset, int? typeCode = null, UnrecognizedParameter? parameter = null)
    {
        Error = new DecodeError(reason, offset, typeCode, parameter);
        return false;
    }

    public void Report(UnrecognizedParameter parameter) => (Reported ??= []).Add(parameter);

    public void NoteNested(in TlvReader reader)
    {
        if (NestedEvidence == PaddingEvidence.None)
        {
            NestedEvidence = reader.Evidence;
        }
    }
}
