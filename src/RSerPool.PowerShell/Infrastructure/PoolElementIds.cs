using System;
using System.Globalization;
using System.Management.Automation;

namespace RSerPool.PowerShell;

/// <summary>
/// Reads pool element identifiers the ways users write them: rsplib's <c>$0000e001</c>, hex
/// <c>0xe001</c>, a decimal number, or a <see cref="PoolElement"/> (its identifier).
/// </summary>
internal static class PoolElementIds
{
    /// <summary>Tries to read one identifier.</summary>
    internal static bool TryParse(object? value, out uint identifier)
    {
        identifier = 0;
        switch (value is PSObject ps ? ps.BaseObject : value)
        {
            case PoolElement element:
                identifier = element.Identifier;
                return true;
            case uint u:
                identifier = u;
                return true;
            case int i when i >= 0:
                identifier = (uint)i;
                return true;
            case long l when l is >= 0 and <= uint.MaxValue:
                identifier = (uint)l;
                return true;
            case string text:
                return TryParseText(text.Trim(), out identifier);
            default:
                return false;
        }
    }

    private static bool TryParseText(string text, out uint identifier)
    {
        if (text.StartsWith('$'))
        {
            return uint.TryParse(text.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out identifier);
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out identifier);
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out identifier);
    }
}
