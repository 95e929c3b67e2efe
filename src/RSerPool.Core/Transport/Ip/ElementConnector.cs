using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport.Sctp;
using RSerPool.Wire.Parameters;

namespace RSerPool.Transport.Ip;

/// <summary>The default <see cref="IElementConnector"/>: kernel SCTP to every address, TCP and UDP to the first that answers.</summary>
internal sealed class ElementConnector : IElementConnector
{
    private readonly SctpChannelFactory _sctp;
    private readonly SctpOptions _options;

    internal ElementConnector(SctpOptions options)
    {
        _options = options;
        _sctp = new SctpChannelFactory(options);
    }

    public async ValueTask<IMessageChannel> ConnectAsync(PoolElement element, CancellationToken cancellationToken) => element.Transport switch
    {
        SctpTransportParameter => await _sctp.ConnectAsync(element.EndPoints, cancellationToken).ConfigureAwait(false),
        TcpTransportParameter => await TcpChannel.ConnectAsync(element.EndPoints, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false),
        UdpTransportParameter => UdpChannel.Connect(element.EndPoints[0]),
        _ => throw new TransportException(TransportFailure.ConnectFailed,
            $"Pool element {element.IdentifierText} registered a {element.Transport.ParameterType} user transport, which this pool user cannot use."),
    };
}
