using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>Connects a session to scripted in-memory elements, by identifier; records every attempt in order.</summary>
internal sealed class FakeConnector : IElementConnector
{
    private readonly Dictionary<uint, FakeElement> _elements;

    public FakeConnector(IEnumerable<FakeElement> elements) => _elements = elements.ToDictionary(e => e.Identifier);

    /// <summary>Identifiers of every connect attempt, probes included, in order.</summary>
    public AsyncLog<uint> Attempts { get; } = new();

    public ValueTask<IMessageChannel> ConnectAsync(PoolElement element, CancellationToken cancellationToken)
    {
        Attempts.Add(element.Identifier);
        return _elements.TryGetValue(element.Identifier, out FakeElement? fake)
            ? fake.ConnectAsync(cancellationToken)
            : ValueTask.FromException<IMessageChannel>(new TransportException(TransportFailure.ConnectFailed, $"No element ${element.Identifier:x8} here."));
    }
}
