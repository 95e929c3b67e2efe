using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RSerPool.Registrars;

/// <summary>
/// The ASAP endpoint of one registrar: one or more addresses (a multi-homed registrar) sharing a port.
/// Written as rsplib's <c>-registrar=</c> takes it, <c>address:port</c>, with several addresses as
/// <c>10.0.0.1,10.0.1.1:3863</c> and IPv6 in brackets, <c>[::1]:3863</c>; without a port, 3863.
/// </summary>
public sealed record RegistrarAddress
{
    /// <summary>The IANA ASAP port (RFC 5352 §8.2).</summary>
    public const int AsapPort = 3863;

    /// <summary>Creates an address from its endpoints (all with the same port).</summary>
    /// <param name="endPoints">At least one endpoint.</param>
    public RegistrarAddress(IReadOnlyList<IPEndPoint> endPoints)
    {
        ArgumentNullException.ThrowIfNull(endPoints);
        if (endPoints.Count == 0)
        {
            throw new ArgumentException("A registrar needs at least one address.", nameof(endPoints));
        }

        EndPoints = endPoints;
    }

    /// <summary>The registrar's addresses with the ASAP port.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>Parses <c>address[,address...][:port]</c>.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="FormatException">The text is not an address list with an optional port.</exception>
    public static RegistrarAddress Parse(string text)
    {
        if (!TryParse(text, out RegistrarAddress? address, out string? reason))
        {
            throw new FormatException($"'{text}' is not a registrar address ({reason}); expected address:port, e.g. 127.0.0.1:3863 or [::1]:3863.");
        }

        return address;
    }

    /// <summary>Parses without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The parsed address.</param>
    /// <param name="reason">Why parsing failed.</param>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegistrarAddress? address, out string? reason)
    {
        address = null;
        reason = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "empty";
            return false;
        }

        text = text.Trim();
        int port = AsapPort;
        string hosts = text;
        int lastColon = text.LastIndexOf(':');
        int lastBracket = text.LastIndexOf(']');
        bool bareIpv6 = text.IndexOf(':') != lastColon && lastBracket < 0;
        if (lastColon > lastBracket && !bareIpv6)
        {
            if (!int.TryParse(text.AsSpan(lastColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                reason = "bad port";
                return false;
            }

            hosts = text[..lastColon];
        }

        var endPoints = new List<IPEndPoint>();
        foreach (string part in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string host = part.StartsWith('[') && part.EndsWith(']') ? part[1..^1] : part;
            if (!IPAddress.TryParse(host, out IPAddress? ip))
            {
                reason = $"'{part}' is not an IP address";
                return false;
            }

            endPoints.Add(new IPEndPoint(ip, port));
        }

        if (endPoints.Count == 0)
        {
            reason = "no address";
            return false;
        }

        address = new RegistrarAddress(endPoints);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(RegistrarAddress? other)
    {
        if (other is null || other.EndPoints.Count != EndPoints.Count)
        {
            return false;
        }

        for (int i = 0; i < EndPoints.Count; i++)
        {
            if (!EndPoints[i].Equals(other.EndPoints[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode() => EndPoints[0].GetHashCode();

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>(EndPoints.Count);
        foreach (IPEndPoint e in EndPoints)
        {
            parts.Add(e.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{e.Address}]" : e.Address.ToString());
        }

        return string.Join(",", parts) + ":" + EndPoints[0].Port.ToString(CultureInfo.InvariantCulture);
    }
}
