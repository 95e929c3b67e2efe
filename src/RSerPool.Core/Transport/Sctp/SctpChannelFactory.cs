using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport.Sctp;

/// <summary>Connects SCTP associations over Linux kernel SCTP.</summary>
public sealed class SctpChannelFactory : IChannelFactory
{
    private readonly SctpOptions _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">Association tuning; null for <see cref="SctpOptions.Default"/>.</param>
    public SctpChannelFactory(SctpOptions? options = null)
    {
        _options = options ?? SctpOptions.Default;
        _options.Validate();
    }

    /// <summary>True when this process can open an SCTP socket (the kernel has SCTP).</summary>
    public static bool IsSupported()
    {
        try
        {
            using Socket s = SctpSocket.Open(AddressFamily.InterNetwork, SctpOptions.Default);
            return true;
        }
        catch (TransportException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peerAddresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerAddresses);
        if (peerAddresses.Count == 0)
        {
            throw new ArgumentException("At least one peer address is required.", nameof(peerAddresses));
        }

        return await SctpChannel.ConnectAsync(peerAddresses, _options, cancellationToken).ConfigureAwait(false);
    }
}
