using System.Globalization;
using System.Text;

namespace RSerPool.Wire;

/// <summary>
/// What was wrong with an ASAP message and where. Decoding reports errors through this value instead of
/// throwing, so hostile input costs no exception.
/// </summary>
public readonly record struct DecodeError
{
    /// <summary>Creates an error.</summary>
    /// <param name="reason">What was wrong.</param>
    /// <param name="offset">Byte offset in the decoded input where the problem was found.</param>
    /// <param name="typeCode">The offending message or parameter type as it was on the wire, if any.</param>
    /// <param name="parameter">The unrecognized parameter to report, for <see cref="DecodeErrorReason.UnrecognizedParameterReport"/>.</param>
    public DecodeError(DecodeErrorReason reason, int offset, int? typeCode = null, UnrecognizedParameter? parameter = null)
    {
        Reason = reason;
        Offset = offset;
        TypeCode = typeCode;
        Parameter = parameter;
    }

    /// <summary>What was wrong; <see cref="DecodeErrorReason.None"/> for "no error".</summary>
    public DecodeErrorReason Reason { get; }

    /// <summary>Byte offset in the decoded input where the problem was found.</summary>
    public int Offset { get; }

    /// <summary>The offending message type (8 bit) or parameter type (16 bit, with its action bits), if any.</summary>
    public int? TypeCode { get; }

    /// <summary>
    /// For a "stop and report" parameter (action bits <c>01</c>): the parameter to put in an
    /// "Unrecognized Parameter" error cause.
    /// </summary>
    public UnrecognizedParameter? Parameter { get; }

    /// <summary>
    /// True when RFC 5354 asks the receiver to answer with an ASAP_ERROR ("Unrecognized Message" or
    /// "Unrecognized Parameter").
    /// </summary>
    public bool ShouldReport =>
        Reason is DecodeErrorReason.UnrecognizedMessageReport or DecodeErrorReason.UnrecognizedParameterReport;

    /// <summary>Readable form, e.g. <c>UnrecognizedParameterReport at offset 16 (type 0x4123)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Reason.ToString()).Append(" at offset ").Append(Offset.ToString(CultureInfo.InvariantCulture));
        if (TypeCode is int code)
        {
            text.Append(CultureInfo.InvariantCulture, $" (type 0x{code:x2})");
        }

        return text.ToString();
    }
}
