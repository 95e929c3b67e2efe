using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

namespace RSerPool.Tests.Fakes;

/// <summary>
/// A pool user wired to in-memory registrars and a <see cref="TestClock"/>: no sockets, no multicast
/// (announce groups empty), announces trusted from 127/8 and 10/8.
/// </summary>
internal sealed class PoolUserRig : IAsyncDisposable
{
    private readonly List<ScriptedRegistrar> _registrars = new();
    private readonly List<PoolUser> _users = new();

    public TestClock Time { get; } = new();

    public InMemoryChannelFactory Factory { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>Options with nothing that binds a socket.</summary>
    public static PoolUserOptions BaseOptions { get; } = new()
    {
        AnnounceGroups = Array.Empty<System.Net.IPEndPoint>(),
        AnnounceNetworks = new[] { NetworkPrefix.Parse("127.0.0.0/8"), NetworkPrefix.Parse("10.0.0.0/8") },
    };

    /// <summary>Adds a registrar the factory routes to.</summary>
    public ScriptedRegistrar Add(ScriptedRegistrar registrar)
    {
        Factory.Serve(registrar);
        _registrars.Add(registrar);
        return registrar;
    }

    /// <summary>Adds a registrar that answers from a table of pools.</summary>
    public ScriptedRegistrar AddAnswering(string address, params HandleResolutionResponse[] pools)
        => Add(ScriptedRegistrar.Answering(address, TestPools.Table(pools)));

    /// <summary>Creates a pool user; without static registrars in <paramref name="options"/>, every added registrar is static.</summary>
    public PoolUser CreateUser(PoolUserOptions? options = null)
    {
        options ??= BaseOptions;
        if (options.Registrars is { Count: 0 })
        {
            options = options with { Registrars = _registrars.Select(r => r.Address).ToArray() };
        }

        var user = new PoolUser(options, Logs, Time, Factory);
        _users.Add(user);
        return user;
    }

    /// <summary>Fails when a registrar script threw.</summary>
    public void AssertRegistrarsHealthy()
    {
        foreach (ScriptedRegistrar r in _registrars)
        {
            r.AssertHealthy();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (PoolUser u in _users)
        {
            await u.DisposeAsync();
        }

        AssertRegistrarsHealthy();
    }
}

/// <summary>The registrar layer without the facade: table, hunter and client on a <see cref="TestClock"/>.</summary>
internal sealed class RegistrarRig : IAsyncDisposable
{
    public static readonly TimeSpan T1 = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan T5 = TimeSpan.FromSeconds(2);

    public RegistrarRig(IReadOnlyList<RegistrarAddress> registrars, int maxRetransmits = 2, int rounds = 3, TimeSpan? t5Max = null, AsapDecoderOptions? decoder = null)
    {
        Table = new RegistrarTable(registrars, 16, TimeSpan.FromSeconds(5), Time);
        Hunter = new RegistrarHunter(Table, Factory, T5, t5Max ?? TimeSpan.FromSeconds(60), rounds, Time, NullLogger.Instance);
        Client = new RegistrarClient(Hunter, T1, maxRetransmits, decoder ?? AsapDecoderOptions.Default, Time, NullLogger.Instance);
    }

    public TestClock Time { get; } = new();

    public InMemoryChannelFactory Factory { get; } = new();

    public RegistrarTable Table { get; }

    public RegistrarHunter Hunter { get; }

    public RegistrarClient Client { get; }

    /// <summary>A registrar layer over the given scripted registrars (all static, in order).</summary>
    public static RegistrarRig For(params ScriptedRegistrar[] registrars) => For(2, null, registrars);

    /// <summary>As <see cref="For(ScriptedRegistrar[])"/> with decoder limits and retransmits.</summary>
    public static RegistrarRig For(int maxRetransmits, AsapDecoderOptions? decoder, params ScriptedRegistrar[] registrars)
    {
        var rig = new RegistrarRig(registrars.Select(r => r.Address).ToArray(), maxRetransmits, decoder: decoder);
        foreach (ScriptedRegistrar r in registrars)
        {
            rig.Factory.Serve(r);
        }

        return rig;
    }

    /// <summary>Resolves a handle through the client.</summary>
    public Task<(HandleResolutionResponse Response, RegistrarAddress Registrar)> ResolveAsync(string handle)
        => Client.ResolveAsync(new HandleResolution(new RSerPool.Wire.Parameters.PoolHandleParameter(handle)), default);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
