using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Benchmarks;

/// <summary>
/// Decode and encode of a handle resolution response with three pool elements, shaped as rsplib's
/// registrar sends them (SCTP transport with two addresses each, weighted round robin).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _writer = new(1024);
    private byte[] _bytes = [];
    private HandleResolutionResponse _message = null!;

    [GlobalSetup]
    public void Setup()
    {
        var elements = new PoolElementParameter[3];
        for (int i = 0; i < elements.Length; i++)
        {
            var transport = new SctpTransportParameter((ushort)(7001 + i),
                new[] { IPAddress.Parse("10.255.255.1"), IPAddress.Loopback }, TransportUse.DataPlusControl);
            elements[i] = new PoolElementParameter(0x0000e001u + (uint)i, 0x12345678, 90000, transport, PoolPolicyParameter.WeightedRoundRobin((uint)i + 1));
        }

        _message = new HandleResolutionResponse(new PoolHandleParameter("EchoPool"), PoolPolicyParameter.WeightedRoundRobin(1), elements);
        _bytes = AsapCodec.Encode(_message);
    }

    /// <summary>Bytes to model objects.</summary>
    [Benchmark]
    public AsapMessage? Decode()
    {
        AsapCodec.TryDecode(_bytes, out AsapMessage? message, out _);
        return message;
    }

    /// <summary>Model objects to bytes, into a reused buffer.</summary>
    [Benchmark]
    public int Encode()
    {
        _writer.ResetWrittenCount();
        return AsapCodec.Encode(_message, _writer);
    }
}
