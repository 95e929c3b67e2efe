using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Sessions;
using RSerPool.Transport;
using RSerPool.Wire.Parameters;

namespace RSerPool.Benchmarks;

/// <summary>
/// What the session layer costs per request on top of its channel: <see cref="PoolSession.RequestAsync"/>
/// against the same in-memory echo channel used directly (send, then receive). The channel answers at
/// once, as a kernel socket does when the answer is already queued, so only our code is measured. In
/// the lab (issue 6 §6) the session's request rate trails rsplib's while our transport alone, against
/// the same rspserver, keeps up with it: this is the difference in isolation.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet runs public classes only.")]
public class SessionBenchmarks
{
    private readonly byte[] _request = new byte[64];
    private EchoChannel _channel = null!;
    private PoolSession _session = null!;

    /// <summary>A session connected to one in-memory echo element.</summary>
    [GlobalSetup]
    public void Setup()
    {
        PoolHandle handle = PoolHandle.FromText("BenchmarkPool");
        var element = new PoolElement(handle, 1, new SctpTransportParameter(9000, [IPAddress.Loopback]), PoolPolicyParameter.RoundRobin(), HomeRegistrarId: 0, RegistrationLife: 30_000);
        _channel = new EchoChannel();
        _session = new PoolSession(handle, new OneElementHost(element), new EchoConnector(new EchoChannel()), SessionOptions.Default, NullLogger.Instance);
        _session.OpenAsync(element, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Closes the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _session.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The channel alone: one send and one receive.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ChannelSendReceive()
    {
        await _channel.SendAsync(_request, 0, 0, CancellationToken.None).ConfigureAwait(false);
        ReceiveResult answer = await _channel.TryReceiveAsync(CancellationToken.None).ConfigureAwait(false);
        return answer.Message.Data.Length;
    }

    /// <summary>One request on the session, as a script's loop sends it (no token of its own).</summary>
    [Benchmark]
    public async Task<int> SessionRequest()
    {
        SessionReply reply = await _session.RequestAsync(_request).ConfigureAwait(false);
        return reply.Messages[0].Data.Length;
    }

    /// <summary>An echo channel whose receive completes at once with the last message sent.</summary>
    private sealed class EchoChannel : IMessageChannel
    {
        private ReadOnlyMemory<byte> _last;

        public EndPoint? RemoteEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 9000);

        public bool IsConnected => true;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken)
        {
            _last = message;
            return ValueTask.CompletedTask;
        }

        public ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ChannelMessage(_last, 0, 0));

        public ValueTask<ReceiveResult> TryReceiveAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ReceiveResult(new ChannelMessage(_last, 0, 0)));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class EchoConnector(EchoChannel channel) : IElementConnector
    {
        public ValueTask<IMessageChannel> ConnectAsync(PoolElement element, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IMessageChannel>(channel);
    }

    private sealed class OneElementHost(PoolElement element) : ISessionHost
    {
        public Task<IReadOnlyList<PoolElement>> SelectAsync(PoolHandle poolHandle, IReadOnlySet<uint> excluded, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PoolElement>>([element]);

        public Task ReportUnreachableAsync(PoolElement element, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RefillAsync(PoolHandle poolHandle, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
