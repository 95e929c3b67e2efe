using System;

namespace RSerPool.Wire;

/// <summary>
/// Limits the decoder enforces on peer input. The defaults accept everything rsplib 3.x registrars and
/// pool elements send and reject what rsplib itself would reject.
/// </summary>
public sealed record AsapDecoderOptions
{
    /// <summary>rsplib's <c>MAX_POOLHANDLESIZE</c> (<c>poolhandle.h</c>).</summary>
    public const int DefaultMaxPoolHandleLength = 32;

    /// <summary>rsplib's <c>MAX_MAX_HANDLE_RESOLUTION_ITEMS</c> (<c>rserpoolmessage.h</c>).</summary>
    public const int DefaultMaxPoolElements = 128;

    /// <summary>The deepest nesting ASAP defines: an address inside a transport inside a pool element.</summary>
    public const int DefaultMaxNestingDepth = 3;

    /// <summary>rsplib's <c>MAX_PE_TRANSPORTADDRESSES</c> (<c>poolhandlespacemanagement-basics.h</c>).</summary>
    public const int DefaultMaxAddressesPerTransport = 64;

    private readonly int _maxPoolHandleLength = DefaultMaxPoolHandleLength;
    private readonly int _maxPoolElements = DefaultMaxPoolElements;
    private readonly int _maxNestingDepth = DefaultMaxNestingDepth;
    private readonly int _maxAddressesPerTransport = DefaultMaxAddressesPerTransport;

    /// <summary>The options used when none are given.</summary>
    public static AsapDecoderOptions Default { get; } = new();

    /// <summary>Longest pool handle accepted, in bytes.</summary>
    /// <value>
    /// The default is 32, rsplib's limit: an rsplib registrar refuses longer handles, so a real
    /// registrar never sends one. RFC 5354 §3.9 sets no bound; raise this (up to 65531) for other registrars.
    /// </value>
    public int MaxPoolHandleLength
    {
        get => _maxPoolHandleLength;
        init => _maxPoolHandleLength = InRange(value, 1, ushort.MaxValue - 4);
    }

    /// <summary>Most pool element parameters accepted in one handle resolution response or business card.</summary>
    /// <value>The default is 128, the most an rsplib registrar sends and the most its parser accepts.</value>
    public int MaxPoolElements
    {
        get => _maxPoolElements;
        init => _maxPoolElements = InRange(value, 1, ushort.MaxValue);
    }

    /// <summary>Deepest parameter nesting accepted; top-level parameters are depth 1.</summary>
    /// <value>The default is 3 (address in transport in pool element), the deepest RFC 5354 layout.</value>
    public int MaxNestingDepth
    {
        get => _maxNestingDepth;
        init => _maxNestingDepth = InRange(value, 1, 16);
    }

    /// <summary>Most address parameters accepted in one transport parameter.</summary>
    /// <value>The default is 64, rsplib's limit.</value>
    public int MaxAddressesPerTransport
    {
        get => _maxAddressesPerTransport;
        init => _maxAddressesPerTransport = InRange(value, 1, ushort.MaxValue);
    }

    /// <summary>Whether the zero padding after a message whose length is not a multiple of 4 must be present.</summary>
    /// <value>
    /// The default is <see langword="true"/>: RFC 5354 §4 says the sender MUST pad, and rsplib's parser
    /// (<c>checkFinishMessage</c>) refuses a message without it. <see langword="false"/> accepts it missing.
    /// </value>
    public bool RequireFinalPadding { get; init; } = true;

    private static int InRange(int value, int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, min);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, max);
        return value;
    }
}
