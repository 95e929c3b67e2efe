namespace RSerPool.Wire;

/// <summary>What a container's length said about the padding of its last parameter.</summary>
internal enum PaddingEvidence
{
    /// <summary>The last parameter was already a multiple of 4 bytes long: both conventions agree.</summary>
    None = 0,

    /// <summary>The length stopped where the last parameter's value ended (RFC 5354 §2/§4).</summary>
    Excluded,

    /// <summary>The length ran to the end of the last parameter's padding (rsplib).</summary>
    Included,
}
