using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace RSerPool.Registrars;

/// <summary>An address prefix such as 10.0.0.0/8, used to decide which announce sources are trusted.</summary>
/// <param name="Network">The network address.</param>
/// <param name="PrefixLength">Bits of the prefix.</param>
public sealed record NetworkPrefix(IPAddress Network, int PrefixLength)
{
    /// <summary>Parses <c>address/bits</c> (a bare address is a host prefix).</summary>
    /// <param name="text">The text.</param>
    public static NetworkPrefix Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        int slash = text.IndexOf('/');
        IPAddress address = IPAddress.Parse(slash < 0 ? text : text[..slash]);
        int max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        int bits = slash < 0 ? max : int.Parse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, max, nameof(text));
        return new NetworkPrefix(address, bits);
    }

    /// <summary>Whether <paramref name="address"/> is inside this prefix.</summary>
    /// <param name="address">The address.</param>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != Network.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out int length);
        Network.TryWriteBytes(n, out _);
        int bits = PrefixLength;
        for (int i = 0; i < length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Loopback and the subnets of this host's interfaces: the default trusted announce sources.</summary>
    public static IReadOnlyList<NetworkPrefix> LocalNetworks()
    {
        var list = new List<NetworkPrefix> { new(IPAddress.Loopback, 8), new(IPAddress.IPv6Loopback, 128) };
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (UnicastIPAddressInformation u in nic.GetIPProperties().UnicastAddresses)
                {
                    list.Add(new NetworkPrefix(u.Address, u.PrefixLength));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Interfaces could not be listed: loopback only, the safe side.
        }

        return list;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Network}/{PrefixLength}";
}
