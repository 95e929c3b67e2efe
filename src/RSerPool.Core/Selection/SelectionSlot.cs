namespace RSerPool.Selection;

/// <summary>
/// A policy's state for one pool element (the element and its policy fields sit in parallel
/// arrays, so the selection loops scan only this), mirroring the fields rsplib keeps per pool element node
/// (<c>poolelementnode-template.h</c>: SeqNumber, Degradation, RoundCounter/VirtualCounter).
/// </summary>
internal struct SelectionSlot
{
    /// <summary>
    /// Position in the rotation: lower goes first among equal keys. A selected element gets the next
    /// global number and so moves behind its equals, which is round robin among equals (rsplib breaks
    /// every tie this way).
    /// </summary>
    public ulong Sequence;

    /// <summary>Sorted policies: the ascending sort key. Random policies and WRR: the weight.</summary>
    public ulong Key;

    /// <summary>Weighted round robin: the element's running credit (smooth weighted round robin).</summary>
    public long Credit;

    /// <summary>Equals the current call's stamp when the element is excluded or already chosen in this call.</summary>
    public ulong Stamp;

    /// <summary>Accumulated degradation (LUD family): load degradation added per selection, clamped.</summary>
    public uint Degradation;
}
