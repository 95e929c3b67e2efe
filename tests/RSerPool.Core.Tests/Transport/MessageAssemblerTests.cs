using System;
using RSerPool.Transport.Sctp;
using Xunit;

namespace RSerPool.Tests.Transport;

public sealed class MessageAssemblerTests
{
    [Fact]
    public void SinglePart_IsReturnedWhole()
    {
        var a = new MessageAssembler(100);
        Assert.True(a.Append(new byte[] { 1, 2, 3 }, endOfRecord: true));
        Assert.Equal(new byte[] { 1, 2, 3 }, a.Take());
    }

    [Fact]
    public void Parts_AreJoinedInOrder()
    {
        var a = new MessageAssembler(100);
        Assert.True(a.Append(new byte[] { 1, 2 }, false));
        Assert.True(a.Append(new byte[] { 3 }, false));
        Assert.True(a.Append(new byte[] { 4, 5 }, true));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, a.Take());
    }

    [Fact]
    public void OversizedMessage_IsDiscardedToItsEnd_ThenTheNextOneWorks()
    {
        var a = new MessageAssembler(4);
        Assert.True(a.Append(new byte[] { 1, 2, 3 }, false));
        Assert.False(a.Append(new byte[] { 4, 5 }, false));
        Assert.False(a.Append(new byte[] { 6 }, false));
        Assert.False(a.Append(new byte[] { 7 }, true));
        Assert.True(a.Append(new byte[] { 9 }, true));
        Assert.Equal(new byte[] { 9 }, a.Take());
    }
}
