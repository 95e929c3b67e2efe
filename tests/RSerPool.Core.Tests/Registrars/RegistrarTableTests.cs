using System;
using System.Threading.Tasks;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using Xunit;

namespace RSerPool.Tests.Registrars;

public class RegistrarTableTests
{
    private static readonly TimeSpan T7 = TimeSpan.FromSeconds(5);

    private static RegistrarAddress A(string text) => RegistrarAddress.Parse(text);

    [Fact]
    public void Learn_Announced_ExpiresAfterT7()
    {
        var time = new TestClock();
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 16, T7, time);

        Assert.True(table.Learn(1, A("10.0.0.1:3863")));
        time.Advance(T7 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, table.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, table.Count);
        Assert.Empty(table.Candidates());
    }

    [Fact]
    public void Learn_AgainBeforeExpiry_RestartsT7()
    {
        var time = new TestClock();
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 16, T7, time);
        table.Learn(1, A("10.0.0.1"));

        time.Advance(TimeSpan.FromSeconds(4));
        table.Learn(1, A("10.0.0.1"));
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Learn_TableFull_RefusesNewButRefreshesKnown()
    {
        var time = new TestClock();
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 2, T7, time);

        Assert.True(table.Learn(1, A("10.0.0.1")));
        Assert.True(table.Learn(2, A("10.0.0.2")));
        Assert.False(table.Learn(3, A("10.0.0.3")));
        Assert.True(table.Learn(1, A("10.0.0.1")));

        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Learn_FullTableAfterExpiry_HasRoomAgain()
    {
        var time = new TestClock();
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 1, T7, time);
        table.Learn(1, A("10.0.0.1"));

        time.Advance(T7);

        Assert.True(table.Learn(2, A("10.0.0.2")));
        Assert.Equal(new[] { A("10.0.0.2") }, table.Candidates());
    }

    [Fact]
    public void Learn_StaticAddress_NotCountedTwice()
    {
        var table = new RegistrarTable(new[] { A("10.0.0.1") }, 16, T7, new TestClock());

        Assert.True(table.Learn(7, A("10.0.0.1:3863")));

        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Candidates_LastGoodFirstThenStaticThenNewestLearned()
    {
        var time = new TestClock();
        var table = new RegistrarTable(new[] { A("10.0.0.1"), A("10.0.0.2") }, 16, T7, time);
        table.Learn(1, A("10.0.0.10"));
        time.Advance(TimeSpan.FromSeconds(1));
        table.Learn(2, A("10.0.0.11"));

        table.MarkGood(A("10.0.0.2"));

        Assert.Equal(new[] { A("10.0.0.2"), A("10.0.0.1"), A("10.0.0.11"), A("10.0.0.10") }, table.Candidates());
    }

    [Fact]
    public void Candidates_LastGoodExpired_NotListed()
    {
        var time = new TestClock();
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 16, T7, time);
        table.Learn(1, A("10.0.0.10"));
        table.MarkGood(A("10.0.0.10"));

        time.Advance(T7);

        Assert.Empty(table.Candidates());
    }

    [Fact]
    public async Task WaitForChangeAsync_NewRegistrarLearned_Completes()
    {
        var table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 16, T7, new TestClock());
        Task wait = table.WaitForChangeAsync(default);
        Assert.False(wait.IsCompleted);

        table.Learn(1, A("10.0.0.1"));

        await wait.WaitAsync(TestClock.Guard);
    }
}
