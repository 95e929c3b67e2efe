using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_COOKIE_ECHO (0x0c, RFC 5352 §2.2.12): the latest cookie, unmodified, sent by the pool user as the
/// first control-channel message to the new pool element after a failover (RFC 5352 §3.8).
/// </summary>
public sealed record CookieEcho : AsapMessage
{
    /// <summary>Echoes a cookie.</summary>
    /// <param name="cookie">The cookie as received.</param>
    public CookieEcho(CookieParameter cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        Cookie = cookie;
    }

    /// <summary>Echoes the cookie of a received <see cref="AsapCookie"/>.</summary>
    /// <param name="cookie">The received cookie message.</param>
    public CookieEcho(AsapCookie cookie)
        : this((cookie ?? throw new ArgumentNullException(nameof(cookie))).Cookie)
    {
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.CookieEcho;

    /// <summary>The cookie.</summary>
    public CookieParameter Cookie { get; }

    internal override void WriteBody(AsapWriter writer) => Cookie.Write(writer, Padding);
}
