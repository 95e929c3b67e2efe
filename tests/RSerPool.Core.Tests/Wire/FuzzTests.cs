using System;
using System.Collections.Generic;
using System.Diagnostics;
using RSerPool.Wire;
using Xunit;
using Xunit.Abstractions;

namespace RSerPool.Tests.Wire;

/// <summary>
/// Seeded robustness run: at least 1,000,000 mutated and random inputs per run. TryDecode must never
/// throw, and whatever it accepts must re-encode without throwing, decode again, and re-encode to the
/// same bytes (encoding is idempotent after the first normalisation).
/// </summary>
public class FuzzTests
{
    private const int Inputs = 1_000_000;
    private const int Seed = 0x5352;

    private static readonly byte[] s_interesting = [0x00, 0x01, 0x03, 0x04, 0x05, 0x07, 0x08, 0x0c, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xfe, 0xff];

    private static readonly AsapDecoderOptions s_tightLimits = new()
    {
        MaxPoolHandleLength = 8,
        MaxPoolElements = 2,
        MaxAddressesPerTransport = 2,
        RequireFinalPadding = false,
    };

    private static readonly AsapDecoderOptions s_shallow = new() { MaxNestingDepth = 2 };

    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TryDecode_MillionMutatedInputs_NeverThrows()
    {
        var random = new Random(Seed);
        byte[][] seeds = new byte[WireCorpus.All.Count][];
        for (int i = 0; i < seeds.Length; i++)
        {
            seeds[i] = WireCorpus.All[i].Bytes;
        }

        var reasons = new HashSet<DecodeErrorReason>();
        int accepted = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Inputs; i++)
        {
            byte[] input = Mutate(random, seeds);
            AsapDecoderOptions options = (i & 7) switch
            {
                6 => s_tightLimits,
                7 => s_shallow,
                _ => AsapDecoderOptions.Default,
            };
            if (Check(input, options, reasons))
            {
                accepted++;
            }
        }

        clock.Stop();
        _output.WriteLine($"{Inputs} inputs, {accepted} accepted, {reasons.Count} distinct reasons, {clock.Elapsed.TotalSeconds:F2} s");

        // The mutations must reach past the header checks, or the run proves little.
        Assert.InRange(accepted, Inputs / 50, Inputs - 1);
        Assert.Contains(DecodeErrorReason.UnrecognizedParameterReport, reasons);
        Assert.Contains(DecodeErrorReason.UnexpectedParameter, reasons);
        Assert.Contains(DecodeErrorReason.InvalidParameterLength, reasons);
        Assert.Contains(DecodeErrorReason.InvalidValue, reasons);
        Assert.Contains(DecodeErrorReason.MissingParameter, reasons);
        Assert.Contains(DecodeErrorReason.TooManyPoolElements, reasons);
        Assert.Contains(DecodeErrorReason.TooManyAddresses, reasons);
        Assert.Contains(DecodeErrorReason.PoolHandleTooLong, reasons);
        Assert.Contains(DecodeErrorReason.NestingTooDeep, reasons);
        Assert.Equal(Enum.GetValues<DecodeErrorReason>().Length - 1, reasons.Count);
    }

    private static bool Check(byte[] input, AsapDecoderOptions options, HashSet<DecodeErrorReason> reasons)
    {
        try
        {
            if (!AsapCodec.TryDecode(input, options, out AsapMessage? message, out DecodeError error))
            {
                if (message is not null || error.Reason == DecodeErrorReason.None || error.Offset < 0 || error.Offset > input.Length)
                {
                    throw new InvalidOperationException($"inconsistent failure {error}");
                }

                reasons.Add(error.Reason);
                return false;
            }

            byte[] once = AsapCodec.Encode(message);
            if (!AsapCodec.TryDecode(once, options, out AsapMessage? again, out DecodeError againError))
            {
                throw new InvalidOperationException($"re-encoded message does not decode: {againError} {Convert.ToHexString(once)}");
            }

            byte[] twice = AsapCodec.Encode(again);
            if (!once.AsSpan().SequenceEqual(twice))
            {
                throw new InvalidOperationException($"encoding not idempotent: {Convert.ToHexString(once)} vs {Convert.ToHexString(twice)}");
            }

            return true;
        }
        catch (Exception exception)
        {
            Assert.Fail($"input {Convert.ToHexString(input)}: {exception}");
            return false;
        }
    }

    private static byte[] Mutate(Random random, byte[][] seeds)
    {
        byte[] seed = seeds[random.Next(seeds.Length)];
        byte[] input;
        switch (random.Next(8))
        {
            case 0:
                input = (byte[])seed.Clone();
                for (int n = random.Next(1, 5); n > 0; n--)
                {
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1:
                input = (byte[])seed.Clone();
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    input[random.Next(input.Length)] = random.Next(2) == 0 ? s_interesting[random.Next(s_interesting.Length)] : (byte)random.Next(256);
                }

                break;
            case 2:
                input = EditLengthField(random, (byte[])seed.Clone());
                break;
            case 3:
                input = Splice(random, seed, seeds[random.Next(seeds.Length)]);
                break;
            case 4:
                input = InsertParameter(random, seed, seeds[random.Next(seeds.Length)]);
                break;
            case 5:
                input = RandomMessage(random);
                break;
            case 6:
                input = random.Next(2) == 0
                    ? seed.AsSpan(0, random.Next(seed.Length)).ToArray()
                    : [.. seed, .. RandomBytes(random, random.Next(1, 9))];
                break;
            default:
                input = (byte[])seed.Clone();
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                input = EditLengthField(random, input);
                break;
        }

        return input;
    }

    /// <summary>Rewrites the message length or a 16-bit field at a parameter-length position (offset 2 mod 4).</summary>
    private static byte[] EditLengthField(Random random, byte[] input)
    {
        if (input.Length < 4)
        {
            return input;
        }

        int position = random.Next(3) == 0 ? 2 : (random.Next(input.Length / 4) * 4) + 2;
        if (position + 1 >= input.Length)
        {
            position = 2;
        }

        int current = (input[position] << 8) | input[position + 1];
        int value = random.Next(6) switch
        {
            0 => 0,
            1 => random.Next(0, 8),
            2 => current + random.Next(-8, 9),
            3 => 0xffff,
            4 => input.Length - position + 2 + random.Next(-4, 5),
            _ => random.Next(0x10000),
        };
        input[position] = (byte)(value >> 8);
        input[position + 1] = (byte)value;
        return input;
    }

    private static byte[] Splice(Random random, byte[] first, byte[] second)
    {
        bool aligned = random.Next(2) == 0;
        int cut = random.Next(first.Length + 1);
        int from = random.Next(second.Length + 1);
        if (aligned)
        {
            cut &= ~3;
            from &= ~3;
        }

        byte[] input = [.. first.AsSpan(0, cut), .. second.AsSpan(from)];
        return FixLength(random, input);
    }

    /// <summary>Copies a 4-aligned chunk of one message into another at a 4-aligned offset.</summary>
    private static byte[] InsertParameter(Random random, byte[] target, byte[] donor)
    {
        int start = random.Next(1, Math.Max(2, donor.Length / 4)) * 4;
        if (start >= donor.Length)
        {
            start = 4;
        }

        int length = Math.Min(donor.Length - Math.Min(start, donor.Length), random.Next(1, 6) * 4);
        int at = random.Next(1, (target.Length / 4) + 1) * 4;
        at = Math.Min(at, target.Length);
        byte[] input = [.. target.AsSpan(0, at), .. donor.AsSpan(Math.Min(start, donor.Length), Math.Max(0, length)), .. target.AsSpan(at)];
        return FixLength(random, input);
    }

    private static byte[] RandomMessage(Random random)
    {
        byte[] input = RandomBytes(random, random.Next(0, 97));
        if (input.Length >= 4 && random.Next(2) == 0)
        {
            input[0] = (byte)random.Next(0, 16);
            input = FixLength(random, input);
        }

        return input;
    }

    /// <summary>Usually sets the message length to match the bytes, so decoding goes past the header checks.</summary>
    private static byte[] FixLength(Random random, byte[] input)
    {
        if (input.Length >= 4 && random.Next(4) != 0)
        {
            int length = input.Length - random.Next(0, 4);
            input[2] = (byte)(length >> 8);
            input[3] = (byte)length;
        }

        return input;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
