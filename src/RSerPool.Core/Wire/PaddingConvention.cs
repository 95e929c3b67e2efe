namespace RSerPool.Wire;

/// <summary>
/// Whether a length field covers the zero padding of the last parameter inside it.
/// </summary>
/// <remarks>
/// <para>
/// RFC 5354 §4 says the message length does "NOT cover any padding at the end of this message", and
/// §2 says a nested parameter includes "the padding between the nested parameters but not the last
/// padding". rsplib (<c>rserpoolmessagecreator.c</c>) instead pads every parameter as soon as it is
/// closed (<c>finishTLV</c>) and then takes the current write position as the length of the enclosing
/// parameter and, in <c>finishMessage</c>, of the message; so its lengths <em>include</em> the padding
/// of the last inner parameter. Both forms put the same bytes on the wire apart from the length fields,
/// and rsplib's parser accepts both (it rounds every length up to 4).
/// </para>
/// <para>
/// The two conventions differ only when the last parameter of a message or container is not a
/// multiple of four bytes long (a pool handle or cookie of odd length, say). The decoder records which
/// one it saw so that re-encoding reproduces the input; the Operation Error parameter is always written
/// the RFC way because rsplib writes its single error cause unpadded (<c>createErrorParameter</c>).
/// </para>
/// </remarks>
public enum PaddingConvention
{
    /// <summary>RFC 5354 §2/§4: lengths exclude the trailing padding. The default for new messages.</summary>
    ExcludeTrailingPadding = 0,

    /// <summary>rsplib: lengths include the padding of the last inner parameter.</summary>
    IncludeTrailingPadding = 1,
}
