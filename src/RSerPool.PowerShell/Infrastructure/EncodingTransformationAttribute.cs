using System;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace RSerPool.PowerShell;

/// <summary>
/// Lets an <see cref="Encoding"/> parameter take a name as the built-in cmdlets do (utf8, ascii, unicode,
/// bigendianunicode, utf32, latin1), any .NET encoding name, or a code page number. UTF-8 never writes a BOM.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class EncodingTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>The names offered by tab completion.</summary>
    internal static readonly string[] Names = ["utf8", "ascii", "unicode", "bigendianunicode", "utf32", "latin1"];

    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        switch (value)
        {
            case Encoding encoding:
                return encoding;
            case int codePage:
                return Encoding.GetEncoding(codePage);
            case string name:
                return FromName(name);
            default:
                throw new ArgumentTransformationMetadataException($"'{inputData}' is not an encoding.");
        }
    }

    private static Encoding FromName(string name)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "utf8" or "utf-8" or "utf8nobom" or "default":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            case "ascii":
                return Encoding.ASCII;
            case "unicode" or "utf-16" or "utf16":
                return Encoding.Unicode;
            case "bigendianunicode":
                return Encoding.BigEndianUnicode;
            case "utf32" or "utf-32":
                return Encoding.UTF32;
            case "latin1" or "iso-8859-1":
                return Encoding.Latin1;
        }

        try
        {
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int codePage)
                ? Encoding.GetEncoding(codePage)
                : Encoding.GetEncoding(name);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ArgumentTransformationMetadataException($"'{name}' is not an encoding; use one of {string.Join(", ", Names)} or a code page.", e);
        }
    }
}
