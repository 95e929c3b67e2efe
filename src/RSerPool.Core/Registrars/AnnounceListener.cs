using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Registrars;

/// <summary>
/// Learns registrars from ASAP_SERVER_ANNOUNCE on UDP multicast (RFC 5352 §3.6, §2.2.10).
/// </summary>
/// <remarks>
/// Announces are unauthenticated (RFC 5352 §9.2, RFC 5355), so only sources inside the trusted
/// networks count, and the registrar table caps how many are kept. The registrar's SCTP port comes
/// from the announce's SCTP transport parameters when it has any (RFC 5352 §3.6); rsplib's registrar
/// sends none and listens on a random port that it also uses as the announce's UDP source port, so
/// that port is taken next (brief §2), and 3863 last.
/// </remarks>
internal sealed class AnnounceListener : IAsyncDisposable
{
    private readonly RegistrarTable _table;
    private readonly IReadOnlyList<NetworkPrefix> _trusted;
    private readonly AsapDecoderOptions _decoder;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = new();

    internal AnnounceListener(RegistrarTable table, IReadOnlyList<NetworkPrefix> trusted, AsapDecoderOptions decoder, ILogger logger)
    {
        _table = table;
        _trusted = trusted;
        _decoder = decoder;
        _logger = logger;
    }

    /// <summary>Announces seen and accepted; for diagnostics and tests.</summary>
    internal int Accepted { get; private set; }

    /// <summary>Announces dropped (untrusted source, undecodable, table full).</summary>
    internal int Rejected { get; private set; }

    /// <summary>Joins each group; a group that cannot be joined is logged and skipped (no multicast route, say).</summary>
    internal void Start(IReadOnlyList<IPEndPoint> groups)
    {
        foreach (IPEndPoint group in groups)
        {
            Socket? socket = null;
            try
            {
                socket = new Socket(group.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                // Bound to the group address, not the wildcard: Linux hands a wildcard-bound socket every
                // multicast datagram for that port of any group the host joined (IP_MULTICAST_ALL), so
                // a listener for one group would learn the registrars announcing on another.
                socket.Bind(group);
                if (group.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group.Address));
                }
                else
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group.Address, IPAddress.Any));
                }

                _sockets.Add(socket);
                _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, group)));
                _logger.LogDebug("Listening for registrar announces on {Group}", group);
            }
            catch (SocketException e)
            {
                socket?.Dispose();
                _logger.LogWarning("Cannot listen for registrar announces on {Group}: {Reason} (check the multicast route)", group, e.Message);
            }
        }
    }

    /// <summary>Handles one datagram; internal so tests can feed announces without sockets.</summary>
    internal bool Handle(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        if (!IsTrusted(source.Address))
        {
            Rejected++;
            _logger.LogDebug("Ignored a registrar announce from untrusted {Source}", source);
            return false;
        }

        if (!AsapCodec.TryDecode(datagram, _decoder, out AsapMessage? message, out DecodeError error) || message is not ServerAnnounce announce)
        {
            Rejected++;
            _logger.LogDebug("Ignored a datagram from {Source} that is not an ASAP server announce ({Error})", source, error);
            return false;
        }

        RegistrarAddress address = AddressOf(announce, source);
        if (!_table.Learn(announce.RegistrarId, address))
        {
            Rejected++;
            _logger.LogDebug("Ignored registrar {Address}: the table of learned registrars is full", address);
            return false;
        }

        Accepted++;
        _logger.LogTrace("Registrar ${Id:x8} announced at {Address}", announce.RegistrarId, address);
        return true;
    }

    /// <summary>The registrar's ASAP endpoint from an announce (see the class remarks for the order).</summary>
    internal static RegistrarAddress AddressOf(ServerAnnounce announce, IPEndPoint source)
    {
        foreach (IPTransportParameter t in announce.Transports)
        {
            if (t is SctpTransportParameter sctp)
            {
                return new RegistrarAddress(sctp.GetEndPoints());
            }
        }

        if (announce.ServerInformation?.Transport is { } info)
        {
            return new RegistrarAddress(info.GetEndPoints());
        }

        int port = source.Port != 0 ? source.Port : RegistrarAddress.AsapPort;
        IPAddress address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        return new RegistrarAddress(new[] { new IPEndPoint(address, port) });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (Socket s in _sockets)
        {
            s.Dispose();
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the loops end on cancellation.
        }

        _stop.Dispose();
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (NetworkPrefix p in _trusted)
        {
            if (p.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReceiveLoopAsync(Socket socket, IPEndPoint group)
    {
        byte[] buffer = new byte[65536];
        EndPoint any = new IPEndPoint(group.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                Handle(buffer.AsSpan(0, r.ReceivedBytes), (IPEndPoint)r.RemoteEndPoint);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug("Announce receive on {Group} failed: {Reason}", group, e.Message);
                await Task.Delay(100, _stop.Token).ConfigureAwait(false);
            }
        }
    }
}
