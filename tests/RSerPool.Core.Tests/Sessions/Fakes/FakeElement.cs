using System;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>How a <see cref="FakeElement"/> answers a connect.</summary>
internal enum ConnectBehavior
{
    /// <summary>Accepts: a new in-memory association.</summary>
    Accept,

    /// <summary>Refuses: TransportException ConnectFailed.</summary>
    Refuse,

    /// <summary>Never answers; only the caller's token ends the connect.</summary>
    Hang,

    /// <summary>The local system has no SCTP: TransportException SctpUnavailable.</summary>
    SctpUnavailable,

    /// <summary>Accepts and aborts the association at once (the element crashes right after the handshake).</summary>
    AcceptThenAbort,
}

/// <summary>A scripted pool element: how it takes connects and what it does with each user message.</summary>
internal sealed class FakeElement
{
    private static readonly IPEndPoint s_client = new(IPAddress.Parse("192.0.2.1"), 40000);
    private readonly AsyncLog<ElementConnection> _connections = new();
    private int _connectAttempts;

    public FakeElement(PoolHandle poolHandle, uint identifier)
    {
        Identifier = identifier;
        ushort port = (ushort)(20000 + (identifier % 10000));
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        var transport = new SctpTransportParameter(port, new[] { IPAddress.Loopback }, TransportUse.DataPlusControl);
        Element = new PoolElement(poolHandle, identifier, transport, PoolPolicyParameter.RoundRobin(), HomeRegistrarId: 0, RegistrationLife: 30_000);
    }

    public uint Identifier { get; }

    public PoolElement Element { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>What the next connects get.</summary>
    public ConnectBehavior Connect { get; set; } = ConnectBehavior.Accept;

    /// <summary>When set, connects wait for it before <see cref="Connect"/> applies (to hold a probe).</summary>
    public TaskCompletionSource? ConnectGate { get; set; }

    /// <summary>Gives the client ends of new associations <see cref="MemoryChannel.StaleUntilUsed"/>.</summary>
    public bool StaleClientState { get; set; }

    /// <summary>
    /// Handles every message on the session's thread as the session sends it, so the answer is queued
    /// before the session's send returns: a reply then cannot lose a race against a short request timeout
    /// on a loaded machine (tests where only another element's timeout is the path under test).
    /// </summary>
    public bool AnswersInline { get; set; }

    /// <summary>Runs for every user (non-PPID-11) message the element receives; the default echoes it.</summary>
    public Func<ElementConnection, ChannelMessage, Task> OnUserMessage { get; set; } = Behaviors.Echo;

    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    public AsyncLog<ElementConnection> Connections => _connections;

    /// <summary>The newest association (there must be one).</summary>
    public ElementConnection Last => _connections.Snapshot()[^1];

    public override string ToString() => $"${Identifier:x8}";

    public async ValueTask<IMessageChannel> ConnectAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectAttempts);
        if (ConnectGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        switch (Connect)
        {
            case ConnectBehavior.Refuse:
                throw new TransportException(TransportFailure.ConnectFailed, $"Pool element {this} refused the association.", EndPoint);
            case ConnectBehavior.SctpUnavailable:
                throw new TransportException(TransportFailure.SctpUnavailable, "SCTP is not available on this system.", EndPoint);
            case ConnectBehavior.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException("unreachable");
        }

        (MemoryChannel client, MemoryChannel server) = MemoryChannel.CreatePair(s_client, EndPoint);
        client.StaleUntilUsed = StaleClientState;
        var connection = new ElementConnection(this, client, server);
        _connections.Add(connection);
        if (AnswersInline)
        {
            connection.AnswerInline();
        }

        connection.Start();
        if (Connect == ConnectBehavior.AcceptThenAbort)
        {
            connection.Abort();
        }

        return client;
    }

    /// <summary>This element as a Pool Element parameter (for business cards and registrar answers).</summary>
    public PoolElementParameter ToParameter() =>
        new(Identifier, 0, 30_000, Element.Transport, Element.Policy);
}

/// <summary>Ready-made element behaviours.</summary>
internal static class Behaviors
{
    public static Task Echo(ElementConnection connection, ChannelMessage m) =>
        connection.SendAsync(m.Data, m.PayloadProtocolId, m.Stream);

    public static Task Ignore(ElementConnection connection, ChannelMessage m) => Task.CompletedTask;

    public static Task Abort(ElementConnection connection, ChannelMessage m)
    {
        connection.Abort();
        return Task.CompletedTask;
    }

    public static Task Shutdown(ElementConnection connection, ChannelMessage m) => connection.ShutdownAsync();

    /// <summary>Echoes the first <paramref name="echoes"/> user messages on each association, then runs <paramref name="then"/>.</summary>
    public static Func<ElementConnection, ChannelMessage, Task> EchoThen(int echoes, Func<ElementConnection, ChannelMessage, Task> then) =>
        (c, m) => c.UserMessages.Length <= echoes ? Echo(c, m) : then(c, m);

    /// <summary>Sends a cookie, then echoes.</summary>
    public static Func<ElementConnection, ChannelMessage, Task> CookieThenEcho(string cookie) => async (c, m) =>
    {
        await c.SendCookieAsync(Encoding.UTF8.GetBytes(cookie)).ConfigureAwait(false);
        await Echo(c, m).ConfigureAwait(false);
    };
}

/// <summary>One association as the element sees it: what arrived (all PPIDs, in order) and ways to end it.</summary>
internal sealed class ElementConnection
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ElementConnection(FakeElement element, MemoryChannel client, MemoryChannel server)
    {
        Element = element;
        Client = client;
        Server = server;
    }

    public FakeElement Element { get; }

    /// <summary>The end the session holds.</summary>
    public MemoryChannel Client { get; }

    /// <summary>The element's end.</summary>
    public MemoryChannel Server { get; }

    /// <summary>Every message the element received, control messages included.</summary>
    public AsyncLog<ChannelMessage> Received { get; } = new();

    /// <summary>The user (non-PPID-11) messages received.</summary>
    public ChannelMessage[] UserMessages => Array.FindAll(Received.Snapshot(), m => m.PayloadProtocolId != PoolSessionPpid);

    /// <summary>The user messages received, as text.</summary>
    public string[] UserTexts => Array.ConvertAll(UserMessages, m => Encoding.UTF8.GetString(m.Data.Span));

    /// <summary>Completes when the element's end stops receiving (the association ended).</summary>
    public Task Closed => _closed.Task;

    /// <summary>An exception a behaviour threw (other than the association ending), for tests to check.</summary>
    public Exception? BehaviourError { get; private set; }

    private const uint PoolSessionPpid = 11;

    public void Start() => _ = Task.Run(PumpAsync);

    /// <summary>Handles each message inline as it is sent (<see cref="FakeElement.AnswersInline"/>); the pump then only waits for the end.</summary>
    public void AnswerInline() => Server.InlineReceiver = m =>
    {
        Received.Add(m);
        if (m.PayloadProtocolId == PoolSessionPpid)
        {
            return;
        }

        Task behaviour;
        try
        {
            behaviour = Element.OnUserMessage(this, m);
        }
        catch (Exception e)
        {
            behaviour = Task.FromException(e);
        }

        _ = behaviour.ContinueWith(
            t => Record(t.Exception!.InnerException!),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    };

    public Task SendAsync(ReadOnlyMemory<byte> data, uint ppid = 0, ushort stream = 0) =>
        Server.SendAsync(data, ppid, stream, CancellationToken.None).AsTask();

    public Task SendTextAsync(string text, uint ppid = 0, ushort stream = 0) => SendAsync(Encoding.UTF8.GetBytes(text), ppid, stream);

    public Task SendControlAsync(AsapMessage message) => SendAsync(AsapCodec.Encode(message), PoolSessionPpid);

    public Task SendCookieAsync(byte[] cookie) => SendControlAsync(new AsapCookie(new CookieParameter(cookie)));

    public Task SendBusinessCardAsync(PoolHandle poolHandle, params FakeElement[] order) =>
        SendControlAsync(new BusinessCard(poolHandle.Parameter, Array.ConvertAll(order, e => e.ToParameter())));

    public Task ShutdownAsync() => Server.DisposeAsync().AsTask();

    public void Abort() => Server.Abort();

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                ChannelMessage m = await Server.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                Received.Add(m);
                if (m.PayloadProtocolId != PoolSessionPpid)
                {
                    await Element.OnUserMessage(this, m).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            Record(e);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private void Record(Exception e)
    {
        if (e is not (TransportException or ObjectDisposedException))
        {
            BehaviourError = e; // the association ending is not a behaviour error
        }
    }
}
