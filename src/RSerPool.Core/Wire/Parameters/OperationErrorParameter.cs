using System;
using System.Collections.Generic;

namespace RSerPool.Wire.Parameters;

/// <summary>Operation Error parameter (type 0xc, RFC 5354 §3.12): one or more error causes.</summary>
/// <remarks>
/// Always written with lengths that exclude the last cause's padding, whatever the message's
/// <see cref="PaddingConvention"/>: rsplib writes its single cause as unpadded bytes and only then
/// pads the whole parameter (<c>createErrorParameter</c>, <c>finishTLV</c>), which is the RFC form.
/// </remarks>
public sealed record OperationErrorParameter : AsapParameter
{
    /// <summary>Creates an Operation Error with the given causes.</summary>
    /// <param name="causes">At least one cause.</param>
    public OperationErrorParameter(IEnumerable<ErrorCause> causes)
    {
        ValueList<ErrorCause> list = ValueList<ErrorCause>.CopyOf(causes, nameof(causes));
        if (list.Count == 0)
        {
            throw new ArgumentException("An Operation Error carries at least one cause.", nameof(causes));
        }

        Causes = list;
    }

    /// <summary>Creates an Operation Error with the given causes.</summary>
    /// <param name="causes">At least one cause.</param>
    public OperationErrorParameter(params ErrorCause[] causes)
        : this((IEnumerable<ErrorCause>)causes)
    {
    }

    internal OperationErrorParameter(ValueList<ErrorCause> causes) => Causes = causes;

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.OperationError;

    /// <summary>The causes in wire order.</summary>
    public IReadOnlyList<ErrorCause> Causes { get; }

    /// <summary>The first cause's code, the one a caller usually acts on.</summary>
    public ErrorCauseCode Code => Causes[0].Code;

    /// <summary>Whether any cause has the given code.</summary>
    /// <param name="code">Code to look for.</param>
    public bool Contains(ErrorCauseCode code)
    {
        foreach (ErrorCause cause in Causes)
        {
            if (cause.Code == code)
            {
                return true;
            }
        }

        return false;
    }

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.OperationError);
        foreach (ErrorCause cause in Causes)
        {
            cause.Write(writer);
        }

        writer.EndParameter(start, PaddingConvention.ExcludeTrailingPadding);
    }
}
