using System;
using System.Management.Automation;

namespace RSerPool.PowerShell;

/// <summary>Lets a <c>uint</c> identifier parameter take <c>$0000e001</c>, <c>0xe001</c>, <c>57345</c> or a pool element.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class PoolElementIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        if (PoolElementIds.TryParse(inputData, out uint identifier))
        {
            return identifier;
        }

        throw new ArgumentTransformationMetadataException(
            $"'{inputData}' is not a pool element identifier; write it as rsplib prints it ($0000e001), in hex (0xe001) or as a number.");
    }
}
