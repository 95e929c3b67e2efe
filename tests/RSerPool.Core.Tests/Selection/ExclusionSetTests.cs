using System.Collections.Generic;
using RSerPool.Selection;
using Xunit;

namespace RSerPool.Tests.Selection;

public class ExclusionSetTests
{
    [Fact]
    public void Default_ExcludesNothing()
    {
        ExclusionSet none = default;

        Assert.True(none.IsEmpty);
        Assert.False(none.Contains(0));
        Assert.True(ExclusionSet.None.IsEmpty);
    }

    [Fact]
    public void FromSpanArrayAndSet_ContainsExactlyThose()
    {
        uint[] array = [7, 0xffffffff];
        ExclusionSet fromArray = array;
        ExclusionSet fromSet = new HashSet<uint>(array);
        ExclusionSet fromReadOnlySet = new ExclusionSet((IReadOnlySet<uint>)new SortedSet<uint>(array));

        Assert.True(fromArray.Contains(7) && fromArray.Contains(0xffffffff) && !fromArray.Contains(8));
        Assert.True(fromSet.Contains(7) && fromSet.Contains(0xffffffff) && !fromSet.Contains(8));
        Assert.True(fromReadOnlySet.Contains(7) && !fromReadOnlySet.Contains(0));
        Assert.False(fromArray.IsEmpty);
        Assert.False(fromSet.IsEmpty);
    }

    [Fact]
    public void NullOrEmptyCollections_AreEmpty()
    {
        Assert.True(((ExclusionSet)(uint[]?)null).IsEmpty);
        Assert.True(((ExclusionSet)(HashSet<uint>?)null).IsEmpty);
        Assert.True(((ExclusionSet)new HashSet<uint>()).IsEmpty);
    }
}
