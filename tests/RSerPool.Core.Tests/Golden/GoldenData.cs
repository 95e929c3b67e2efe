using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace RSerPool.Tests.Golden;

/// <summary>
/// Entry point for golden tests: the captures under TestData/pcap joined with
/// TestData/golden/expected.json. Everything is read from the test output directory only.
/// </summary>
/// <example>
/// <code>
/// [Theory]
/// [MemberData(nameof(GoldenData.Keys), MemberType = typeof(GoldenData))]
/// public void Decodes(string file, int frame, int index)
/// {
///     GoldenMessage m = GoldenData.Find(file, frame, index);
///     // decode m.Captured.Bytes, compare with m.Expected.GetProperty("parameters"), re-encode ...
/// }
/// </code>
/// </example>
public static class GoldenData
{
    private static readonly Lazy<JsonElement> LazyExpected = new(LoadExpected);
    private static readonly Lazy<IReadOnlyList<GoldenMessage>> LazyAll = new(Join);

    /// <summary>TestData in the test output directory.</summary>
    public static string TestDataDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>Where the captures are copied (unchanged from the rsplib lab).</summary>
    public static string PcapDirectory { get; } = Path.Combine(TestDataDirectory, "pcap");

    /// <summary>Path of expected.json.</summary>
    public static string ExpectedJsonPath { get; } = Path.Combine(TestDataDirectory, "golden", "expected.json");

    /// <summary>The root object of expected.json (a detached clone, safe to keep).</summary>
    public static JsonElement Expected => LazyExpected.Value;

    /// <summary>Capture file names covered by expected.json, in its order.</summary>
    public static IReadOnlyList<string> Files =>
        Expected.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()!).ToList();

    /// <summary>(file, frame, index) of every golden message, for [MemberData].</summary>
    public static TheoryData<string, int, int> Keys
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (GoldenMessage m in LoadAll())
            {
                data.Add(m.Captured.File, m.Captured.Frame, m.Captured.IndexInFrame);
            }

            return data;
        }
    }

    /// <summary>The file-level object of expected.json for <paramref name="file"/>.</summary>
    public static JsonElement FileEntry(string file) =>
        Expected.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);

    /// <summary>Full path of a copied capture.</summary>
    public static string PcapPath(string file) => Path.Combine(PcapDirectory, file);

    /// <summary>
    /// Every ASAP message of every capture, joined with its expected.json entry by
    /// (file, frame, index in frame). Throws if the two sides do not pair up one to one.
    /// </summary>
    public static IReadOnlyList<GoldenMessage> LoadAll() => LazyAll.Value;

    /// <summary>One golden message by its key.</summary>
    public static GoldenMessage Find(string file, int frame, int index) =>
        LoadAll().Single(m => m.Captured.File == file && m.Captured.Frame == frame && m.Captured.IndexInFrame == index);

    private static JsonElement LoadExpected()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(ExpectedJsonPath));
        return document.RootElement.Clone();
    }

    private static IReadOnlyList<GoldenMessage> Join()
    {
        var expected = Expected.GetProperty("messages").EnumerateArray().ToDictionary(
            e => (e.GetProperty("file").GetString()!, e.GetProperty("frame").GetInt32(), e.GetProperty("index").GetInt32()));
        var joined = new List<GoldenMessage>();
        foreach (string file in Files)
        {
            foreach (CapturedAsapMessage captured in PcapAsapExtractor.Extract(PcapPath(file)))
            {
                if (!expected.Remove((file, captured.Frame, captured.IndexInFrame), out JsonElement entry))
                {
                    throw new InvalidDataException($"{file} frame {captured.Frame}: extracted an ASAP message tshark did not decode");
                }

                joined.Add(new GoldenMessage(captured, entry));
            }
        }

        if (expected.Count > 0)
        {
            var missing = expected.Keys.First();
            throw new InvalidDataException($"{expected.Count} expected messages not extracted, first: {missing}");
        }

        return joined;
    }
}
