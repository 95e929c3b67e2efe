using System;

namespace RSerPool.Transport;

/// <summary>One whole message received on an <see cref="IMessageChannel"/>.</summary>
/// <param name="Data">The message bytes (owned by the receiver).</param>
/// <param name="PayloadProtocolId">The SCTP payload protocol identifier in host order.</param>
/// <param name="Stream">The SCTP stream the message arrived on.</param>
public readonly record struct ChannelMessage(ReadOnlyMemory<byte> Data, uint PayloadProtocolId, ushort Stream);
