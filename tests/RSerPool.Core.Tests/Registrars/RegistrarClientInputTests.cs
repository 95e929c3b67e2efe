using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Tasks;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Registrars;

/// <summary>What the registrar client does with answers it cannot or must not use: drop them and keep waiting.</summary>
public class RegistrarClientInputTests
{
    private static readonly HandleResolutionResponse Right = TestPools.Response("EchoPool", PoolPolicyParameter.RoundRobin(), TestPools.Element(0xb, "10.1.0.11", 7011));
    private static readonly HandleResolutionResponse Decoy = TestPools.Response("EchoPool", PoolPolicyParameter.RoundRobin(), TestPools.Element(0xa, "10.1.0.10", 7010));

    private static async Task<(HandleResolutionResponse Response, ScriptedRegistrar Registrar)> ResolveAfterAsync(AsapDecoderOptions? decoder, params RegistrarReply[] replies)
    {
        var registrar = new ScriptedRegistrar("10.0.0.1:3863", _ => replies);
        await using RegistrarRig rig = RegistrarRig.For(2, decoder, registrar);
        (HandleResolutionResponse response, _) = await rig.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);
        registrar.AssertHealthy();
        return (response, registrar);
    }

    private static uint FirstId(HandleResolutionResponse response) => Assert.Single(response.Elements).PoolElementId;

    [Fact]
    public async Task ResolveAsync_AnswerForAnotherPool_IgnoredAndRightAnswerAccepted()
    {
        HandleResolutionResponse other = TestPools.Response("OtherPool", null, TestPools.Element(0xc, "10.1.0.12", 7012));

        (HandleResolutionResponse r, ScriptedRegistrar registrar) = await ResolveAfterAsync(null,
            RegistrarReply.Send(other), RegistrarReply.Send(TestPools.Unknown("ThirdPool")), RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
        Assert.Single(registrar.Requests);
    }

    [Fact]
    public async Task ResolveAsync_OtherMessageTypes_IgnoredAndRightAnswerAccepted()
    {
        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null,
            RegistrarReply.Send(new ServerAnnounce(7)),
            RegistrarReply.Send(new EndpointUnreachable(new PoolHandleParameter("EchoPool"), 1)),
            RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
    }

    [Fact]
    public async Task ResolveAsync_TruncatedAndGarbage_IgnoredThenRightAnswerAccepted()
    {
        byte[] whole = AsapCodec.Encode(Decoy);
        var random = new Random(5354);
        byte[] noise = new byte[300];
        random.NextBytes(noise);

        (HandleResolutionResponse r, ScriptedRegistrar registrar) = await ResolveAfterAsync(null,
            RegistrarReply.Raw(whole.AsSpan(0, whole.Length - 4).ToArray()),
            RegistrarReply.Raw(whole.AsSpan(0, 3).ToArray()),
            RegistrarReply.Raw(Array.Empty<byte>()),
            RegistrarReply.Raw(noise),
            RegistrarReply.Raw(new byte[] { 0x06, 0x00, 0x00, 0x02 }),
            RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
        Assert.Single(registrar.Requests);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(10u)]
    [InlineData(0x0b000000u)]
    public async Task ResolveAsync_WrongPpid_IgnoredAndAsapAnswerAccepted(uint ppid)
    {
        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null, RegistrarReply.Send(Decoy, ppid), RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
    }

    [Fact]
    public async Task ResolveAsync_OversizedMessageClaimingTenThousandElements_RejectedWithoutCrash()
    {
        byte[] oversized = Oversized(elementCount: 10_000);
        Assert.True(oversized.Length > 400_000);

        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null, RegistrarReply.Raw(oversized), RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
    }

    [Fact]
    public async Task ResolveAsync_1500Elements_RejectedAboveTheDefaultLimitOf128()
    {
        HandleResolutionResponse big = TestPools.Response("EchoPool", PoolPolicyParameter.RoundRobin(), TestPools.Elements(1500));
        Assert.Equal(128, AsapDecoderOptions.Default.MaxPoolElements);

        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null, RegistrarReply.Send(big), RegistrarReply.Send(Right));

        Assert.Equal(0xbu, FirstId(r));
    }

    [Fact]
    public async Task ResolveAsync_1500Elements_AcceptedWhenTheDecoderLimitIsRaised()
    {
        HandleResolutionResponse big = TestPools.Response("EchoPool", PoolPolicyParameter.RoundRobin(), TestPools.Elements(1500));

        (HandleResolutionResponse r, _) = await ResolveAfterAsync(new AsapDecoderOptions { MaxPoolElements = 2000 }, RegistrarReply.Send(big), RegistrarReply.Send(Right));

        Assert.Equal(1500, r.Elements.Count);
        Assert.Equal(1500u, r.Elements[1499].PoolElementId);
    }

    /// <summary>RFC 5354 §3: the two high bits of an unknown parameter's type say what to do with the message.</summary>
    [Theory]
    [InlineData(UnknownParameterAction.Stop, false)]
    [InlineData(UnknownParameterAction.StopAndReport, false)]
    [InlineData(UnknownParameterAction.Skip, true)]
    [InlineData(UnknownParameterAction.SkipAndReport, true)]
    public async Task ResolveAsync_UnknownParameterInResponse_FollowsActionBits(UnknownParameterAction action, bool accepted)
    {
        byte[] withUnknown = AppendParameter(AsapCodec.Encode(Decoy), (ushort)(((int)action << 14) | 0x0123), new byte[] { 0xde, 0xad, 0xbe, 0xef });

        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null, RegistrarReply.Raw(withUnknown), RegistrarReply.Send(Right));

        Assert.Equal(accepted ? 0xau : 0xbu, FirstId(r));
        if (accepted)
        {
            Assert.Equal(action == UnknownParameterAction.SkipAndReport ? 1 : 0, r.Reported.Count);
        }
    }

    [Theory]
    [InlineData(UnknownParameterAction.Stop, false)]
    [InlineData(UnknownParameterAction.StopAndReport, false)]
    [InlineData(UnknownParameterAction.Skip, true)]
    [InlineData(UnknownParameterAction.SkipAndReport, true)]
    public async Task ResolveAsync_UnknownParameterInsidePoolElement_FollowsActionBits(UnknownParameterAction action, bool accepted)
    {
        byte[] withUnknown = AppendInsideLastParameter(AsapCodec.Encode(Decoy), (ushort)(((int)action << 14) | 0x0124), new byte[] { 1, 2, 3, 4 });

        (HandleResolutionResponse r, _) = await ResolveAfterAsync(null, RegistrarReply.Raw(withUnknown), RegistrarReply.Send(Right));

        Assert.Equal(accepted ? 0xau : 0xbu, FirstId(r));
    }

    /// <summary>A header claiming the largest length, then far more element parameters than any length field can describe.</summary>
    private static byte[] Oversized(int elementCount)
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(new byte[] { 0x06, 0x00, 0xff, 0xff });
        AsapCodec.EncodeParameter(new PoolHandleParameter("EchoPool"), writer);
        var element = new ArrayBufferWriter<byte>();
        AsapCodec.EncodeParameter(TestPools.Element(1, "10.1.0.1", 7001), element);
        for (int i = 0; i < elementCount; i++)
        {
            writer.Write(element.WrittenSpan);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Tlv(ushort type, byte[] value)
    {
        byte[] tlv = new byte[4 + value.Length];
        BinaryPrimitives.WriteUInt16BigEndian(tlv, type);
        BinaryPrimitives.WriteUInt16BigEndian(tlv.AsSpan(2), (ushort)tlv.Length);
        value.CopyTo(tlv, 4);
        return tlv;
    }

    private static byte[] AppendParameter(byte[] message, ushort type, byte[] value)
    {
        Assert.Equal(message.Length, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)));
        byte[] result = [.. message, .. Tlv(type, value)];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)result.Length);
        return result;
    }

    /// <summary>Appends a TLV inside the message's last parameter (the pool element), fixing both lengths.</summary>
    private static byte[] AppendInsideLastParameter(byte[] message, ushort type, byte[] value)
    {
        int offset = 4;
        int last = offset;
        while (offset < message.Length)
        {
            last = offset;
            offset += (BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 2)) + 3) & ~3;
        }

        Assert.Equal(0x000a, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(last)));
        byte[] tlv = Tlv(type, value);
        byte[] result = [.. message, .. tlv];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(last + 2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(last + 2)) + tlv.Length));
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(2), (ushort)result.Length);
        return result;
    }
}
