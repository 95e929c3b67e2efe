using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_COOKIE (0x0b, RFC 5352 §2.2.11): a Cookie from the pool element on the control channel. The pool
/// user keeps only the latest one (RFC 5352 §3.8). Named with the Asap prefix so the record and its
/// <see cref="Cookie"/> property do not share a name.
/// </summary>
public sealed record AsapCookie : AsapMessage
{
    /// <summary>Creates a cookie message.</summary>
    /// <param name="cookie">The cookie.</param>
    public AsapCookie(CookieParameter cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        Cookie = cookie;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.Cookie;

    /// <summary>The cookie.</summary>
    public CookieParameter Cookie { get; }

    internal override void WriteBody(AsapWriter writer) => Cookie.Write(writer, Padding);
}
