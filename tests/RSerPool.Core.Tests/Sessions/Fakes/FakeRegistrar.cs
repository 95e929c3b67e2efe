using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>
/// An in-memory registrar for a PoolUser: answers ASAP_HANDLE_RESOLUTION with the elements it knows
/// (round robin) and records ASAP_ENDPOINT_UNREACHABLE reports. Also the PoolUser's channel factory.
/// </summary>
internal sealed class FakeRegistrar : IChannelFactory
{
    public static readonly IPEndPoint Address = new(IPAddress.Parse("192.0.2.53"), 3863);
    private static readonly IPEndPoint s_client = new(IPAddress.Parse("192.0.2.1"), 50000);
    private readonly PoolHandle _poolHandle;
    private readonly object _gate = new();
    private List<FakeElement> _elements;

    public FakeRegistrar(PoolHandle poolHandle, IEnumerable<FakeElement> elements)
    {
        _poolHandle = poolHandle;
        _elements = elements.ToList();
    }

    /// <summary>PE identifiers reported unreachable, in order.</summary>
    public AsyncLog<uint> Unreachable { get; } = new();

    public AsyncLog<string> Resolutions { get; } = new();

    public void Remove(FakeElement element)
    {
        lock (_gate)
        {
            _elements = _elements.Where(e => e.Identifier != element.Identifier).ToList();
        }
    }

    public ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peerAddresses, CancellationToken cancellationToken)
    {
        (MemoryChannel client, MemoryChannel server) = MemoryChannel.CreatePair(s_client, Address);
        _ = Task.Run(() => ServeAsync(server));
        return ValueTask.FromResult<IMessageChannel>(client);
    }

    private async Task ServeAsync(MemoryChannel server)
    {
        try
        {
            while (true)
            {
                ChannelMessage m = await server.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                if (!AsapCodec.TryDecode(m.Data.Span, out AsapMessage? message, out _))
                {
                    continue;
                }

                switch (message)
                {
                    case HandleResolution resolution:
                        Resolutions.Add(resolution.PoolHandle.ToString());
                        PoolElementParameter[] elements;
                        lock (_gate)
                        {
                            elements = _elements.Select(e => e.ToParameter()).ToArray();
                        }

                        AsapMessage answer = resolution.PoolHandle.Equals(_poolHandle.Parameter) && elements.Length > 0
                            ? new HandleResolutionResponse(resolution.PoolHandle, PoolPolicyParameter.RoundRobin(), elements)
                            : new HandleResolutionResponse(resolution.PoolHandle, new OperationErrorParameter(ErrorCause.UnknownPoolHandle()));
                        await server.SendAsync(AsapCodec.Encode(answer), 11, 0, CancellationToken.None).ConfigureAwait(false);
                        break;
                    case EndpointUnreachable report:
                        Unreachable.Add(report.PoolElementId);
                        break;
                }
            }
        }
        catch (Exception e) when (e is TransportException or ObjectDisposedException)
        {
            // The pool user closed the association.
        }
    }
}
