using System;
using System.Collections.Generic;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_ERROR (0x0e, RFC 5352 §2.2.14): an Operation Error. Named with the Asap prefix to keep clear of
/// <see cref="System.Exception"/>-style "Error" names.
/// </summary>
public sealed record AsapError : AsapMessage
{
    /// <summary>Creates an error message.</summary>
    /// <param name="operationError">The causes.</param>
    public AsapError(OperationErrorParameter operationError)
    {
        ArgumentNullException.ThrowIfNull(operationError);
        OperationError = operationError;
    }

    /// <summary>Creates an error message with the given causes.</summary>
    /// <param name="causes">At least one cause.</param>
    public AsapError(params ErrorCause[] causes)
        : this(new OperationErrorParameter(causes))
    {
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.Error;

    /// <summary>The Operation Error.</summary>
    public OperationErrorParameter OperationError { get; }

    /// <summary>
    /// The report RFC 5354 §3 asks for: one "Unrecognized Parameter" cause per parameter the decoder
    /// collected in <see cref="AsapMessage.Reported"/> (or carried in <see cref="DecodeError.Parameter"/>).
    /// </summary>
    /// <param name="parameters">At least one unrecognized parameter.</param>
    public static AsapError ForUnrecognizedParameters(IEnumerable<UnrecognizedParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var causes = new List<ErrorCause>();
        foreach (UnrecognizedParameter parameter in parameters)
        {
            causes.Add(ErrorCause.ForUnrecognizedParameter(parameter));
        }

        return new AsapError(new OperationErrorParameter(causes));
    }

    /// <summary>The report for a message type the decoder refused with <see cref="DecodeErrorReason.UnrecognizedMessageReport"/>.</summary>
    /// <param name="message">The received message.</param>
    public static AsapError ForUnrecognizedMessage(ReadOnlySpan<byte> message) =>
        new(new OperationErrorParameter(ErrorCause.ForUnrecognizedMessage(message)));

    internal override void WriteBody(AsapWriter writer) => OperationError.Write(writer, Padding);
}
