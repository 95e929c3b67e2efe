using System;
using System.Buffers.Binary;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// Pool Member Selection Policy parameter (type 0x8, RFC 5354 §3.8): a 32-bit policy type followed by
/// policy-specific 32-bit fields (RFC 5356 §4–§5, rsplib's private policies).
/// </summary>
/// <remarks>
/// The policy-specific bytes are kept exactly as received (<see cref="Data"/>) and the typed properties
/// read from them, so an unknown policy type survives decode and re-encode unchanged (Wireshark shows
/// such policies as raw bytes; rsplib's parser rejects them, which is too strict for a pool user that
/// only relays or caches the entry). A typed property is <see langword="null"/> when the policy has no
/// such field or the field is absent.
/// <para>
/// Decoding checks that a known policy carries all of its fields, with one lenient exception: older
/// rsplib versions sent PLU and RPLU with the load only (their structs lacked the degradation field,
/// later fixed in rsplib commits c4df08e0 and f56dae79), so for those two the load degradation may be missing.
/// </para>
/// </remarks>
public sealed record PoolPolicyParameter : AsapParameter
{
    private static readonly Field[] s_noFields = [];
    private static readonly Field[] s_weight = [Field.Weight];
    private static readonly Field[] s_priority = [Field.Priority];
    private static readonly Field[] s_load = [Field.Load];
    private static readonly Field[] s_loadDegradation = [Field.Load, Field.LoadDegradation];
    private static readonly Field[] s_weightDpf = [Field.Weight, Field.WeightDpf, Field.Distance];
    private static readonly Field[] s_loadDpf = [Field.Load, Field.LoadDpf, Field.Distance];
    private static readonly Field[] s_loadDegradationDpf = [Field.Load, Field.LoadDegradation, Field.LoadDpf, Field.Distance];

    private readonly byte[] _data;

    private PoolPolicyParameter(uint policyType, byte[] data)
    {
        RawPolicyType = policyType;
        _data = data;
    }

    private enum Field
    {
        Weight,
        Priority,
        Load,
        LoadDegradation,
        WeightDpf,
        LoadDpf,
        Distance,
    }

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.PoolMemberSelectionPolicy;

    /// <summary>The policy type as on the wire.</summary>
    public uint RawPolicyType { get; }

    /// <summary>The policy type; an undefined enum value for policies this library does not know.</summary>
    public PoolPolicyType PolicyType => (PoolPolicyType)RawPolicyType;

    /// <summary>Whether <see cref="PolicyType"/> is one of the RFC 5356 or rsplib policies.</summary>
    public bool IsKnown => Layout((PoolPolicyType)RawPolicyType) is not null;

    /// <summary>The policy-specific bytes after the policy type, as on the wire.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Weight (WRR, WRAND, WRAND-DPF); 0 means the element cannot serve (RFC 5356 §3.2).</summary>
    public uint? Weight => Get(Field.Weight);

    /// <summary>Priority (PRIO); larger is higher.</summary>
    public uint? Priority => Get(Field.Priority);

    /// <summary>Load, 0 = idle … 0xffffffff = fully loaded (RFC 5356 §3.1).</summary>
    public uint? Load => Get(Field.Load);

    /// <summary>Load degradation (LUD, PLU and rsplib's degradation policies).</summary>
    public uint? LoadDegradation => Get(Field.LoadDegradation);

    /// <summary>Weight distance penalty factor (rsplib WRAND-DPF).</summary>
    public uint? WeightDpf => Get(Field.WeightDpf);

    /// <summary>Load distance penalty factor (rsplib LU-DPF, LUD-DPF).</summary>
    public uint? LoadDpf => Get(Field.LoadDpf);

    /// <summary>Distance (rsplib DPF policies).</summary>
    public uint? Distance => Get(Field.Distance);

    /// <summary>Round Robin (RFC 5356 §4.1).</summary>
    public static PoolPolicyParameter RoundRobin() => Create(PoolPolicyType.RoundRobin);

    /// <summary>Weighted Round Robin (RFC 5356 §4.2).</summary>
    /// <param name="weight">Weight.</param>
    public static PoolPolicyParameter WeightedRoundRobin(uint weight) => Create(PoolPolicyType.WeightedRoundRobin, weight);

    /// <summary>Random (RFC 5356 §4.3).</summary>
    public static PoolPolicyParameter Random() => Create(PoolPolicyType.Random);

    /// <summary>Weighted Random (RFC 5356 §4.4).</summary>
    /// <param name="weight">Weight.</param>
    public static PoolPolicyParameter WeightedRandom(uint weight) => Create(PoolPolicyType.WeightedRandom, weight);

    /// <summary>Priority (RFC 5356 §4.5).</summary>
    /// <param name="priority">Priority; larger is higher.</param>
    public static PoolPolicyParameter PriorityPolicy(uint priority) => Create(PoolPolicyType.Priority, priority);

    /// <summary>Least Used (RFC 5356 §5.1).</summary>
    /// <param name="load">Load.</param>
    public static PoolPolicyParameter LeastUsed(uint load) => Create(PoolPolicyType.LeastUsed, load);

    /// <summary>Least Used with Degradation (RFC 5356 §5.2).</summary>
    /// <param name="load">Load.</param>
    /// <param name="loadDegradation">Load degradation.</param>
    public static PoolPolicyParameter LeastUsedDegradation(uint load, uint loadDegradation) =>
        Create(PoolPolicyType.LeastUsedDegradation, load, loadDegradation);

    /// <summary>Priority Least Used (RFC 5356 §5.3).</summary>
    /// <param name="load">Load.</param>
    /// <param name="loadDegradation">Load degradation.</param>
    public static PoolPolicyParameter PriorityLeastUsed(uint load, uint loadDegradation) =>
        Create(PoolPolicyType.PriorityLeastUsed, load, loadDegradation);

    /// <summary>Randomized Least Used (RFC 5356 §5.4).</summary>
    /// <param name="load">Load.</param>
    public static PoolPolicyParameter RandomizedLeastUsed(uint load) => Create(PoolPolicyType.RandomizedLeastUsed, load);

    /// <summary>
    /// Builds any known policy from its fields in wire order (see <see cref="PoolPolicyType"/> for the
    /// order), or an unknown one from arbitrary 32-bit fields.
    /// </summary>
    /// <param name="policyType">Policy type.</param>
    /// <param name="fields">Policy-specific fields in wire order.</param>
    public static PoolPolicyParameter Create(PoolPolicyType policyType, params uint[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Field[]? layout = Layout(policyType);
        if (layout is not null && fields.Length != layout.Length)
        {
            throw new ArgumentException($"Policy {policyType} has {layout.Length} field(s), not {fields.Length}.", nameof(fields));
        }

        var data = new byte[fields.Length * 4];
        for (int i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(i * 4), fields[i]);
        }

        return new PoolPolicyParameter((uint)policyType, data);
    }

    /// <summary>Builds a policy from its raw wire form (type and policy-specific bytes, copied).</summary>
    /// <param name="policyType">Policy type as on the wire.</param>
    /// <param name="data">Policy-specific bytes.</param>
    public static PoolPolicyParameter FromRaw(uint policyType, ReadOnlySpan<byte> data)
    {
        if (data.Length > ushort.MaxValue - 8)
        {
            throw new ArgumentException("A policy parameter is at most 65535 bytes long.", nameof(data));
        }

        return new PoolPolicyParameter(policyType, data.ToArray());
    }

    /// <summary>
    /// Decoder entry: checks the minimum size for known policies (see remarks) and takes the bytes.
    /// </summary>
    internal static bool TryCreate(uint policyType, ReadOnlySpan<byte> data, out PoolPolicyParameter? policy)
    {
        Field[]? layout = Layout((PoolPolicyType)policyType);
        if (layout is not null)
        {
            int required = layout.Length;
            if ((PoolPolicyType)policyType is PoolPolicyType.PriorityLeastUsed or PoolPolicyType.RandomizedPriorityLeastUsed)
            {
                required = 1;
            }

            if (data.Length < required * 4)
            {
                policy = null;
                return false;
            }
        }

        policy = new PoolPolicyParameter(policyType, data.ToArray());
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(PoolPolicyParameter? other) =>
        other is not null && RawPolicyType == other.RawPolicyType && _data.AsSpan().SequenceEqual(other._data);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RawPolicyType, ByteContent.GetHashCode(_data));

    /// <inheritdoc/>
    public override string ToString()
    {
        string name = IsKnown ? PolicyType.ToString() : $"0x{RawPolicyType:x8}";
        return _data.Length == 0
            ? $"PoolPolicyParameter {{ {name} }}"
            : $"PoolPolicyParameter {{ {name}, Data = {Convert.ToHexString(_data)} }}";
    }

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.PoolMemberSelectionPolicy);
        writer.WriteUInt32(RawPolicyType);
        writer.WriteBytes(_data);
        writer.EndParameter(start, padding);
    }

    private static Field[]? Layout(PoolPolicyType policyType) => policyType switch
    {
        PoolPolicyType.RoundRobin or PoolPolicyType.Random => s_noFields,
        PoolPolicyType.WeightedRoundRobin or PoolPolicyType.WeightedRandom => s_weight,
        PoolPolicyType.Priority => s_priority,
        PoolPolicyType.LeastUsed or PoolPolicyType.RandomizedLeastUsed => s_load,
        PoolPolicyType.LeastUsedDegradation
            or PoolPolicyType.PriorityLeastUsed
            or PoolPolicyType.RandomizedPriorityLeastUsed
            or PoolPolicyType.RandomizedLeastUsedDegradation
            or PoolPolicyType.PriorityLeastUsedDegradation
            or PoolPolicyType.RandomizedPriorityLeastUsedDegradation => s_loadDegradation,
        PoolPolicyType.WeightedRandomDpf => s_weightDpf,
        PoolPolicyType.LeastUsedDpf => s_loadDpf,
        PoolPolicyType.LeastUsedDegradationDpf => s_loadDegradationDpf,
        _ => null,
    };

    private uint? Get(Field field)
    {
        Field[]? layout = Layout((PoolPolicyType)RawPolicyType);
        if (layout is null)
        {
            return null;
        }

        int index = Array.IndexOf(layout, field);
        if (index < 0 || _data.Length < (index + 1) * 4)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(index * 4));
    }
}
