using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport.Ip;

/// <summary>
/// <see cref="IMessageChannel"/> over TCP for elements registered with a TCP user transport. TCP is a
/// byte stream and ASAP defines no framing for it (RFC 5354 §3.5 makes TCP data-only), so a "message"
/// here is whatever one read returns; there is no PPID (reported as 0) and no control channel.
/// </summary>
internal sealed class TcpChannel : IMessageChannel
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private bool _failed;

    private TcpChannel(Socket socket, EndPoint remote)
    {
        _socket = socket;
        RemoteEndPoint = remote;
    }

    public EndPoint? RemoteEndPoint { get; }

    public bool IsConnected => !_failed && _socket.Connected;

    internal static async ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> endPoints, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TransportException? last = null;
        foreach (IPEndPoint endPoint in endPoints)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
                return new TcpChannel(socket, endPoint);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = new TransportException(TransportFailure.ConnectTimeout, $"TCP connect to {endPoint} timed out.", endPoint);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = new TransportException(TransportFailure.ConnectFailed, $"TCP connect to {endPoint} failed: {e.Message}", endPoint, e);
            }
        }

        throw last ?? new TransportException(TransportFailure.ConnectFailed, "No TCP address to connect to.");
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
    {
        try
        {
            while (!message.IsEmpty)
            {
                int sent = await _socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                message = message[sent..];
            }
        }
        catch (SocketException e)
        {
            _failed = true;
            throw new TransportException(e.SocketErrorCode == SocketError.ConnectionReset ? TransportFailure.PeerAborted : TransportFailure.Shutdown,
                $"Sending to {RemoteEndPoint} over TCP failed: {e.Message}", RemoteEndPoint, e);
        }
    }

    public async ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            _failed = true;
            throw new TransportException(TransportFailure.PeerAborted, $"The TCP connection to {RemoteEndPoint} failed: {e.Message}", RemoteEndPoint, e);
        }

        if (n == 0)
        {
            _failed = true;
            throw new TransportException(TransportFailure.Shutdown, $"The TCP connection to {RemoteEndPoint} was closed.", RemoteEndPoint);
        }

        return new ChannelMessage(_buffer.AsSpan(0, n).ToArray(), 0, 0);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
