using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport.Ip;

/// <summary>
/// <see cref="IMessageChannel"/> over a connected UDP socket, for elements registered with a UDP user
/// transport (data only, RFC 5354 §3.6). A datagram is a message; there is no association, so a dead
/// element shows only as an ICMP port unreachable (a connection-refused error on receive) or as silence,
/// which the session's request timeout turns into a failover.
/// </summary>
internal sealed class UdpChannel : IMessageChannel
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[65536];
    private bool _failed;

    private UdpChannel(Socket socket, EndPoint remote)
    {
        _socket = socket;
        RemoteEndPoint = remote;
    }

    public EndPoint? RemoteEndPoint { get; }

    public bool IsConnected => !_failed;

    internal static IMessageChannel Connect(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(endPoint);
        return new UdpChannel(socket, endPoint);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            _failed = true;
            throw new TransportException(TransportFailure.ConnectFailed, $"Sending to {RemoteEndPoint} over UDP failed: {e.Message}", RemoteEndPoint, e);
        }
    }

    public async ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            int n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return new ChannelMessage(_buffer.AsSpan(0, n).ToArray(), 0, 0);
        }
        catch (SocketException e)
        {
            _failed = true;
            throw new TransportException(TransportFailure.ConnectFailed, $"{RemoteEndPoint} is not reachable over UDP: {e.Message}", RemoteEndPoint, e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
