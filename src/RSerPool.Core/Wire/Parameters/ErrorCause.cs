using System;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// One error cause inside an Operation Error parameter (RFC 5354 §3.12): code, length (excluding
/// padding) and cause-specific information, kept as bytes. Unknown codes are kept as they came.
/// </summary>
public sealed record ErrorCause
{
    private readonly byte[] _information;

    /// <summary>Creates an error cause.</summary>
    /// <param name="code">Cause code.</param>
    /// <param name="information">Cause-specific information (copied); empty for most causes.</param>
    public ErrorCause(ErrorCauseCode code, ReadOnlyMemory<byte> information = default)
    {
        if (information.Length > ushort.MaxValue - 8)
        {
            throw new ArgumentException("Cause information is limited by the 16-bit lengths.", nameof(information));
        }

        Code = code;
        _information = ByteContent.Copy(information);
    }

    internal ErrorCause(ErrorCauseCode code, byte[] information)
    {
        Code = code;
        _information = information;
    }

    /// <summary>The cause code; may be a value this library does not name.</summary>
    public ErrorCauseCode Code { get; }

    /// <summary>Cause-specific information as on the wire (no padding).</summary>
    public ReadOnlyMemory<byte> Information => _information;

    /// <summary>"Unknown Pool Handle" (0x9), no information.</summary>
    public static ErrorCause UnknownPoolHandle() => new(ErrorCauseCode.UnknownPoolHandle, Array.Empty<byte>());

    /// <summary>"Unrecognized Parameter" (0x1) carrying the complete unknown parameter (RFC 5354 §3.12.2).</summary>
    /// <param name="parameter">A parameter reported by the decoder.</param>
    public static ErrorCause ForUnrecognizedParameter(UnrecognizedParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new ErrorCause(ErrorCauseCode.UnrecognizedParameter, parameter.Tlv);
    }

    /// <summary>"Unrecognized Message" (0x2) carrying the unknown message (RFC 5354 §3.12.3).</summary>
    /// <param name="message">The message as received.</param>
    public static ErrorCause ForUnrecognizedMessage(ReadOnlySpan<byte> message) =>
        new(ErrorCauseCode.UnrecognizedMessage, message.ToArray());

    /// <inheritdoc/>
    public bool Equals(ErrorCause? other) =>
        other is not null && Code == other.Code && _information.AsSpan().SequenceEqual(other._information);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, ByteContent.GetHashCode(_information));

    /// <inheritdoc/>
    public override string ToString() => _information.Length == 0
        ? $"ErrorCause {{ {Code} }}"
        : $"ErrorCause {{ {Code}, Information = {Convert.ToHexString(_information)} }}";

    internal void Write(AsapWriter writer)
    {
        int start = writer.BeginParameter((ushort)Code);
        writer.WriteBytes(_information);
        writer.EndParameter(start, PaddingConvention.ExcludeTrailingPadding);
    }
}
