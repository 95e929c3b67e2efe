using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Registrars;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

namespace RSerPool.Tests.Fakes;

/// <summary>What a <see cref="ScriptedRegistrar"/> does in answer to one request.</summary>
internal abstract record RegistrarReply
{
    /// <summary>Closes the association gracefully.</summary>
    public static readonly RegistrarReply Close = new CloseReply();

    /// <summary>Aborts the association.</summary>
    public static readonly RegistrarReply Abort = new AbortReply();

    /// <summary>Aborts every association and refuses new connects: the registrar process died.</summary>
    public static readonly RegistrarReply Crash = new CrashReply();

    /// <summary>Sends an ASAP message (PPID 11 unless told).</summary>
    public static RegistrarReply Send(AsapMessage message, uint ppid = 11) => new RawReply(AsapCodec.Encode(message), ppid);

    /// <summary>Sends raw bytes.</summary>
    public static RegistrarReply Raw(byte[] bytes, uint ppid = 11) => new RawReply(bytes, ppid);

    internal sealed record RawReply(byte[] Bytes, uint Ppid) : RegistrarReply;

    internal sealed record CloseReply : RegistrarReply;

    internal sealed record AbortReply : RegistrarReply;

    internal sealed record CrashReply : RegistrarReply;
}

/// <summary>
/// A registrar played from a script: decodes each ASAP request that arrives on one of its server-side
/// channels, records it, and answers with the replies the script returns for it (none = silence).
/// </summary>
internal sealed class ScriptedRegistrar
{
    private readonly Func<AsapMessage, IEnumerable<RegistrarReply>> _script;
    private readonly object _gate = new();
    private readonly List<AsapMessage> _requests = new();
    private readonly List<uint> _ppids = new();
    private readonly List<InMemoryChannel> _associations = new();
    private readonly List<Exception> _faults = new();
    private readonly ChangeSignal _changes = new();
    private int _undecodable;
    private volatile bool _accepting = true;

    public ScriptedRegistrar(string address, Func<AsapMessage, IEnumerable<RegistrarReply>> script)
    {
        Address = RegistrarAddress.Parse(address);
        _script = script;
    }

    /// <summary>Where it listens.</summary>
    public RegistrarAddress Address { get; }

    /// <summary>Its first endpoint.</summary>
    public IPEndPoint EndPoint => Address.EndPoints[0];

    /// <summary>Whether it accepts new associations (false after <see cref="Crash"/>).</summary>
    public bool Accepting
    {
        get => _accepting;
        set => _accepting = value;
    }

    /// <summary>Every request decoded so far, in arrival order.</summary>
    public IReadOnlyList<AsapMessage> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The PPID each request in <see cref="Requests"/> came with.</summary>
    public IReadOnlyList<uint> RequestPpids
    {
        get
        {
            lock (_gate)
            {
                return _ppids.ToArray();
            }
        }
    }

    /// <summary>Messages that did not decode as ASAP.</summary>
    public int UndecodableRequests => Volatile.Read(ref _undecodable);

    /// <summary>Associations accepted so far.</summary>
    public int AssociationCount
    {
        get
        {
            lock (_gate)
            {
                return _associations.Count;
            }
        }
    }

    /// <summary>The server side of every association accepted so far.</summary>
    public IReadOnlyList<InMemoryChannel> Associations
    {
        get
        {
            lock (_gate)
            {
                return _associations.ToArray();
            }
        }
    }

    /// <summary>Exceptions thrown by the script (a test bug); checked by <see cref="AssertHealthy"/>.</summary>
    public IReadOnlyList<Exception> Faults
    {
        get
        {
            lock (_gate)
            {
                return _faults.ToArray();
            }
        }
    }

    /// <summary>A registrar that answers every HANDLE_RESOLUTION from a table of pools (unknown handles get cause 0x9).</summary>
    public static ScriptedRegistrar Answering(string address, IReadOnlyDictionary<string, HandleResolutionResponse> pools)
        => new(address, request => request is HandleResolution hr
            ? new[] { RegistrarReply.Send(pools.TryGetValue(hr.PoolHandle.ToString(), out HandleResolutionResponse? r) ? r : TestPools.Unknown(hr.PoolHandle.ToString())) }
            : Array.Empty<RegistrarReply>());

    /// <summary>A registrar that never answers.</summary>
    public static ScriptedRegistrar Silent(string address) => new(address, _ => Array.Empty<RegistrarReply>());

    /// <summary>Starts serving one association.</summary>
    public void Attach(InMemoryChannel serverSide)
    {
        lock (_gate)
        {
            _associations.Add(serverSide);
        }

        _changes.Signal();
        _ = Task.Run(() => ServeAsync(serverSide));
    }

    /// <summary>Aborts every association and refuses new ones.</summary>
    public void Crash()
    {
        _accepting = false;
        foreach (InMemoryChannel c in Associations)
        {
            c.Abort();
        }
    }

    /// <summary>Waits (guarded) until at least <paramref name="count"/> requests were received.</summary>
    public Task WaitForRequestsAsync(int count) => _changes.WaitUntilAsync(() => Requests.Count >= count, () => $"Waited in vain for {count} request(s) at {Address}; got {Requests.Count}.");

    /// <summary>Waits (guarded) until at least <paramref name="count"/> messages arrived, decodable or not.</summary>
    public Task WaitForMessagesAsync(int count) => _changes.WaitUntilAsync(() => Requests.Count + UndecodableRequests >= count, () => $"Waited in vain for {count} message(s) at {Address}; got {Requests.Count}.");

    /// <summary>Fails when the script threw.</summary>
    public void AssertHealthy()
    {
        if (Faults.Count > 0)
        {
            throw new InvalidOperationException("The registrar script failed.", Faults[0]);
        }
    }

    private async Task ServeAsync(InMemoryChannel channel)
    {
        try
        {
            while (true)
            {
                ChannelMessage message = await channel.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                if (!AsapCodec.TryDecode(message.Data.Span, out AsapMessage? request, out _))
                {
                    Interlocked.Increment(ref _undecodable);
                    _changes.Signal();
                    continue;
                }

                lock (_gate)
                {
                    _requests.Add(request);
                    _ppids.Add(message.PayloadProtocolId);
                }

                IEnumerable<RegistrarReply> replies;
                try
                {
                    replies = _script(request);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (_gate)
                    {
                        _faults.Add(e);
                    }

                    replies = new[] { RegistrarReply.Abort };
                }

                foreach (RegistrarReply reply in replies)
                {
                    switch (reply)
                    {
                        case RegistrarReply.RawReply raw:
                            await channel.SendAsync(raw.Bytes, raw.Ppid, 0, CancellationToken.None).ConfigureAwait(false);
                            break;
                        case RegistrarReply.CloseReply:
                            channel.Close();
                            break;
                        case RegistrarReply.AbortReply:
                            channel.Abort();
                            break;
                        case RegistrarReply.CrashReply:
                            Crash();
                            break;
                    }
                }

                // Recorded before the script runs (a caller that got the answer sees its request counted);
                // waiters are woken after the replies went out.
                _changes.Signal();
            }
        }
        catch (TransportException)
        {
            // The association ended; nothing more to serve.
        }
    }
}
