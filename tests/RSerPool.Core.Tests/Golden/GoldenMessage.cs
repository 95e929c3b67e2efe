using System.Text.Json;

namespace RSerPool.Tests.Golden;

/// <summary>
/// A captured ASAP message joined with what tshark decoded for it: one element of
/// <c>messages</c> in TestData/golden/expected.json (schema: TestData/golden/README.md).
/// </summary>
/// <param name="Captured">The bytes and transport metadata read from the pcap.</param>
/// <param name="Expected">The expected.json object (type, flags, length, parameters, ...).</param>
public sealed record GoldenMessage(CapturedAsapMessage Captured, JsonElement Expected)
{
    /// <summary>"file#frame/index", unique per message; handy in assertion messages.</summary>
    public string Name => $"{Captured.File}#{Captured.Frame}/{Captured.IndexInFrame}";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
