using System;
using System.Net;
using RSerPool.Integration.Lab;
using Xunit;

namespace RSerPool.Integration.Transport;

/// <summary>
/// One rsplib registrar and the pool elements the transport tests talk to, started once for the
/// collection: an echo element and a
/// ping-pong element that sends ASAP cookies.
/// </summary>
public sealed class TransportLabFixture : IDisposable
{
    public static readonly IPEndPoint Registrar = new(IPAddress.Loopback, 3863);
    public static readonly IPEndPoint Echo = new(LabPool.PoolAddress, 7001);
    public static readonly IPEndPoint PingPong = new(LabPool.PoolAddress, 7101);

    public TransportLabFixture()
    {
        Pool = new LabPool();
        if (!LabEnvironment.IsActive)
        {
            return;
        }

        Pool.StartRegistrar("registrar", Registrar, 9863);
        Pool.StartPoolElement("echo", "echo", "EchoPool", 0x0000e001, Registrar, Echo.ToString());
        Pool.StartPoolElement("pingpong", "pingpong", "PingPongPool", 0x0000f001, Registrar, PingPong.ToString());
        Pool.WaitRegistered("EchoPool", 1, Registrar);
        Pool.WaitRegistered("PingPongPool", 1, Registrar);
    }

    public LabPool Pool { get; }

    public void Dispose() => Pool.Dispose();
}

[CollectionDefinition("Lab")]
public sealed class LabCollection : ICollectionFixture<TransportLabFixture>
{
}
