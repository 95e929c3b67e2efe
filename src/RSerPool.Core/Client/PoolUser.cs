using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Selection;
using RSerPool.Sessions;
using RSerPool.Transport;
using RSerPool.Transport.Sctp;

namespace RSerPool.Client;

/// <summary>
/// A pool user (RFC 5352 §1.1): finds a home registrar, resolves pool handles (with a cache), selects
/// pool elements by the pool's policy and reports unreachable ones. Thread-safe; one per set of
/// registrars is enough for a whole process or runspace.
/// </summary>
public sealed class PoolUser : IAsyncDisposable, ISessionHost
{
    private readonly PoolUserOptions _options;
    private readonly ILogger _logger;
    private readonly RegistrarTable _table;
    private readonly AnnounceListener? _announces;
    private readonly RegistrarClient _client;
    private readonly HandleResolver _resolver;
    private readonly UnreachableReporter _reporter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Func<SessionOptions, IElementConnector> _connectors;

    /// <summary>Creates a pool user.</summary>
    /// <param name="options">Options; null for the defaults (registrars from RSERPOOL_REGISTRARS, the config file or announces).</param>
    /// <param name="loggerFactory">Where the core logs each network step; null for none.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="channelFactory">How associations are opened; null for kernel SCTP.</param>
    public PoolUser(PoolUserOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IChannelFactory? channelFactory = null)
        : this(options, loggerFactory, timeProvider, channelFactory, null)
    {
    }

    /// <summary>Creates a pool user with a custom way of reaching pool elements (tests use in-memory elements).</summary>
    internal PoolUser(PoolUserOptions? options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IChannelFactory? channelFactory,
        Func<SessionOptions, IElementConnector>? elementConnectors)
    {
        _options = options ?? new PoolUserOptions();
        _options.Validate();
        TimeProvider time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("RSerPool.PoolUser");
        _loggerFactory = loggerFactory;
        _connectors = elementConnectors ?? (o => new Transport.Ip.ElementConnector(o.Sctp));
        IReadOnlyList<RegistrarAddress> registrars = _options.Registrars.Count > 0 ? _options.Registrars : RegistrarDefaults.Load();
        _table = new RegistrarTable(registrars, _options.MaxLearnedRegistrars, _options.AnnounceLifetime, time);
        if (_options.UseAnnounces)
        {
            IReadOnlyList<NetworkPrefix> trusted = _options.AnnounceNetworks.Count > 0 ? _options.AnnounceNetworks : NetworkPrefix.LocalNetworks();
            _announces = new AnnounceListener(_table, trusted, _options.Decoder, loggerFactory.CreateLogger("RSerPool.Announces"));
            if (_options.AnnounceGroups.Count > 0)
            {
                _announces.Start(_options.AnnounceGroups);
            }
        }

        var hunter = new RegistrarHunter(_table, channelFactory ?? new SctpChannelFactory(_options.Sctp), _options.ServerHuntTimeout,
            _options.ServerHuntTimeoutMax, _options.ServerHuntRounds, time, loggerFactory.CreateLogger("RSerPool.ServerHunt"), _options.UseAnnounces);
        _client = new RegistrarClient(hunter, _options.RequestTimeout, _options.MaxRequestRetransmits, _options.Decoder, time,
            loggerFactory.CreateLogger("RSerPool.Registrar"));
        var cache = new HandleResolutionCache(_options.StaleCacheValue, _options.NegativeCacheLifetime, time);
        _resolver = new HandleResolver(_client, cache, _options.HandleResolutionItems, time, _logger);
        _reporter = new UnreachableReporter(_client, cache, _options.UnreachableReportInterval, _options.UnreachableReportsPerSecond, time, _logger);
    }

    /// <summary>The options in force.</summary>
    public PoolUserOptions Options => _options;

    /// <summary>The home registrar, when an association to one is up.</summary>
    public RegistrarAddress? HomeRegistrar => _client.Home;

    /// <summary>The registrars known now, in the order a server hunt would try them.</summary>
    public IReadOnlyList<RegistrarAddress> KnownRegistrars => _table.Candidates();

    /// <summary>Pool handles with a fresh cache entry (for tab completion).</summary>
    public IReadOnlyList<PoolHandle> CachedPoolHandles => _resolver.Cache.Handles();

    /// <summary>Resolves a pool handle to its elements, from the cache unless <paramref name="refresh"/>.</summary>
    /// <param name="poolHandle">The pool.</param>
    /// <param name="refresh">Ask the registrar even when the cache has a fresh answer.</param>
    /// <param name="cancellationToken">Cancels the wait (an OperationCanceledException, never a Timeout).</param>
    /// <exception cref="RSerPoolException">PoolHandleNotFound, RejectedByRegistrar, Timeout, NoRegistrarReachable, TransportUnavailable.</exception>
    public async Task<PoolResolution> ResolveAsync(PoolHandle poolHandle, bool refresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        HandleResolutionCache.Entry entry = await _resolver.ResolveAsync(poolHandle, refresh, NewSelectionState, cancellationToken).ConfigureAwait(false);
        return entry.Resolution;
    }

    /// <summary>
    /// Selects up to <paramref name="count"/> elements of the pool by its policy (or <paramref name="policy"/>),
    /// skipping <paramref name="excluded"/> identifiers. When the cached answer has no candidate left, the
    /// registrar is asked once more (the cache may be stale).
    /// </summary>
    /// <param name="poolHandle">The pool.</param>
    /// <param name="count">How many elements.</param>
    /// <param name="excluded">Identifiers not to select (already tried, known dead).</param>
    /// <param name="policy">A policy that overrides the pool's; null for the pool's own.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RSerPoolException">As <see cref="ResolveAsync"/>, and NoPoolElementAvailable.</exception>
    public async Task<IReadOnlyList<PoolElement>> SelectAsync(PoolHandle poolHandle, int count = 1, IReadOnlySet<uint>? excluded = null,
        ISelectionPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        for (int pass = 0; pass < 2; pass++)
        {
            HandleResolutionCache.Entry entry = await _resolver.ResolveAsync(poolHandle, refresh: pass > 0, NewSelectionState, cancellationToken).ConfigureAwait(false);
            ISelectionPolicy selector = policy ?? (ISelectionPolicy)entry.SelectionState!;
            PoolElement[] candidates = entry.Resolution.Elements as PoolElement[] ?? new List<PoolElement>(entry.Resolution.Elements).ToArray();
            var chosen = new PoolElement[Math.Min(count, candidates.Length)];
            int selected = selector.Select(candidates, chosen, new ExclusionSet(excluded));
            if (selected > 0)
            {
                Array.Resize(ref chosen, selected);
                _logger.LogDebug("Selected {Selected} of '{PoolHandle}' by {Policy}", string.Join<PoolElement>(", ", chosen), poolHandle, selector.Name);
                return chosen;
            }
        }

        throw new RSerPoolException(PoolFailure.NoPoolElementAvailable,
            $"Pool '{poolHandle}' has no pool element left to select" + (excluded is { Count: > 0 } ? $" ({excluded.Count} excluded)." : "."))
        {
            PoolHandle = poolHandle,
        };
    }

    /// <summary>Reports an element as unreachable to the home registrar (ASAP_ENDPOINT_UNREACHABLE) and drops it from the cache.</summary>
    /// <param name="poolHandle">Its pool.</param>
    /// <param name="identifier">Its identifier.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when a report was sent; false when the rate limits suppressed it (it was reported recently).</returns>
    public Task<bool> ReportUnreachableAsync(PoolHandle poolHandle, uint identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        return _reporter.ReportAsync(poolHandle, identifier, cancellationToken);
    }

    /// <summary>
    /// Opens a session with a pool: selects an element by the pool's policy and connects, trying the next
    /// candidate (and reporting the dead one) when a connect fails; or connects to <paramref name="element"/> first.
    /// </summary>
    /// <param name="poolHandle">The pool.</param>
    /// <param name="options">Session options; null for the defaults.</param>
    /// <param name="element">A given element to connect first (it must belong to the pool); null to select.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="RSerPoolException">PoolHandleNotFound, NoPoolElementAvailable, PoolElementUnreachable, TransportUnavailable, ...</exception>
    public async Task<PoolSession> ConnectAsync(PoolHandle poolHandle, SessionOptions? options = null, PoolElement? element = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        options ??= SessionOptions.Default;
        options.Validate();
        var session = new PoolSession(poolHandle, this, _connectors(options), options, _loggerFactory.CreateLogger("RSerPool.Session"));
        try
        {
            await session.OpenAsync(element, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    Task<IReadOnlyList<PoolElement>> ISessionHost.SelectAsync(PoolHandle poolHandle, IReadOnlySet<uint> excluded, CancellationToken cancellationToken)
        => SelectAsync(poolHandle, 1, excluded, null, cancellationToken);

    /// <inheritdoc />
    Task ISessionHost.ReportUnreachableAsync(PoolElement element, CancellationToken cancellationToken)
        => ReportUnreachableAsync(element.PoolHandle, element.Identifier, cancellationToken);

    /// <inheritdoc />
    async Task ISessionHost.RefillAsync(PoolHandle poolHandle, CancellationToken cancellationToken)
    {
        // Below two, the cached answer has at most the session's own element: its next failover would
        // find nothing to select there and wait for a resolution first (lab, before this: every other
        // failover of a three-element pool asked the registrar, 2.2-9.4 ms of its 16-29).
        if (_resolver.Cache.TryGet(poolHandle, out HandleResolutionCache.Entry entry) && entry.Resolution.Elements.Count >= 2)
        {
            return;
        }

        _logger.LogDebug("Refilling the cached elements of '{PoolHandle}' after a failover", poolHandle);
        await _resolver.ResolveAsync(poolHandle, refresh: true, NewSelectionState, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Feeds one announce datagram as if it arrived by multicast (for tests and diagnostics).</summary>
    internal bool HandleAnnounce(ReadOnlySpan<byte> datagram, IPEndPoint source) => _announces?.Handle(datagram, source) ?? false;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_announces is not null)
        {
            await _announces.DisposeAsync().ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private object? NewSelectionState(Wire.Parameters.PoolPolicyParameter policy) => SelectionPolicies.Create(policy, Random.Shared);
}
