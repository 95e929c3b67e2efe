using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

namespace RSerPool.Sessions;

/// <summary>Receiving: answers, user messages, the request timeout and the ASAP control messages on PPID 11.</summary>
public sealed partial class PoolSession
{
    /// <summary>The answer to a request, or the association failure that ended the wait (a value, not a throw: see <see cref="ReceiveResult"/>).</summary>
    /// <param name="channel">The association.</param>
    /// <param name="options">How many messages make the answer, and its timeout.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <param name="control">Where ASAP control messages go instead of being applied (a hedged request's, until it is known which side won).</param>
    private async ValueTask<Answer> ReceiveAnswerAsync(IMessageChannel channel, RequestOptions options, CancellationToken cancellationToken, List<byte[]>? control = null)
    {
        TimeSpan limit = options.Timeout ?? _options.RequestTimeout;
        RequestDeadline? deadline = null;
        CancellationTokenSource? linked = null;
        CancellationToken timeoutToken;
        if (!cancellationToken.CanBeCanceled && RequestDeadline.Handles(limit))
        {
            deadline = RentRequestDeadline();
            timeoutToken = deadline.Begin(limit);
        }
        else
        {
            // A caller's token needs a linked source of its own (and odd limits keep CancelAfter's rules).
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linked.CancelAfter(limit);
            timeoutToken = linked.Token;
        }

        var messages = new List<SessionMessage>(options.ResponseCount);
        try
        {
            while (messages.Count < options.ResponseCount)
            {
                // The channel's receive directly, control messages handled here: one async frame less per answer.
                ReceiveResult received = await channel.TryReceiveAsync(timeoutToken).ConfigureAwait(false);
                if (received.Failure is { } failure)
                {
                    return new Answer(null, failure);
                }

                ChannelMessage m = received.Message;
                if (m.PayloadProtocolId == AsapPpid)
                {
                    if (control is null)
                    {
                        HandleControl(m.Data.Span);
                    }
                    else
                    {
                        control.Add(m.Data.ToArray());
                    }

                    continue;
                }

                messages.Add(new SessionMessage(m.Data, m.PayloadProtocolId, m.Stream));
                if (!options.Terminator.IsEmpty && m.Data.Span.EndsWith(options.Terminator.Span))
                {
                    break;
                }
            }

            return new Answer(messages, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Pool element {CurrentElement?.IdentifierText} did not answer within {limit.TotalSeconds:0.###} s.");
        }
        finally
        {
            if (deadline is not null)
            {
                deadline.End();
                ReturnRequestDeadline(deadline);
            }

            linked?.Dispose();
        }
    }

    /// <summary>
    /// The request's timeout for a caller without a token of its own (a script's loop, most
    /// runbooks): the session's one <see cref="RequestDeadline"/>, whose timer is not re-armed per
    /// request. Perf in the lab: a reusable source's CancelAfter and TryReset, which re-armed and
    /// stopped its timer per request, were 2.5-2.7% of a request loop's samples, this about 1%; a new
    /// source per request had cost more still (311 against the reusable source's 301 µs of CPU per
    /// request). A hedged request's second wait, while the first holds it, gets one of its own.
    /// </summary>
    private RequestDeadline RentRequestDeadline() => Interlocked.Exchange(ref _requestDeadline, null) ?? new RequestDeadline();

    private void ReturnRequestDeadline(RequestDeadline deadline)
    {
        if (Interlocked.CompareExchange(ref _requestDeadline, deadline, null) is not null)
        {
            deadline.Dispose();
        }
        else if (State == SessionState.Closed)
        {
            Interlocked.Exchange(ref _requestDeadline, null)?.Dispose(); // closed meanwhile: DisposeAsync found none to dispose
        }
    }

    private async Task<SessionMessage> ReceiveUserMessageAsync(IMessageChannel channel, CancellationToken cancellationToken)
    {
        ReceiveResult received = await TryReceiveUserMessageAsync(channel, cancellationToken).ConfigureAwait(false);
        if (received.Failure is { } failure)
        {
            throw failure;
        }

        ChannelMessage m = received.Message;
        return new SessionMessage(m.Data, m.PayloadProtocolId, m.Stream);
    }

    /// <summary>The next user message (ASAP control messages on PPID 11 are handled on the way), or the association's failure.</summary>
    private async ValueTask<ReceiveResult> TryReceiveUserMessageAsync(IMessageChannel channel, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReceiveResult received = await channel.TryReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (received.Failure is not null || received.Message.PayloadProtocolId != AsapPpid)
            {
                return received;
            }

            HandleControl(received.Message.Data.Span);
        }
    }

    private void HandleControl(ReadOnlySpan<byte> data)
    {
        if (!AsapCodec.TryDecode(data, out AsapMessage? message, out DecodeError error))
        {
            _logger.LogWarning("Pool element {Element} sent an undecodable ASAP control message ({Error}); ignored", CurrentElement, error);
            return;
        }

        switch (message)
        {
            case AsapCookie cookie:
                Cookie = cookie.Cookie.Value.ToArray();
                _logger.LogDebug("Received ASAP_COOKIE ({Bytes} bytes) from {Element}", cookie.Cookie.Value.Length, CurrentElement);
                break;
            case BusinessCard card:
                var list = new List<PoolElement>(card.Elements.Count);
                PoolHandle handle = PoolHandle.FromParameter(card.PoolHandle);
                foreach (Wire.Parameters.PoolElementParameter e in card.Elements)
                {
                    list.Add(PoolElement.FromParameter(handle, e, null, DateTimeOffset.UtcNow));
                }

                _businessCard = list;
                _logger.LogDebug("Received ASAP_BUSINESS_CARD from {Element}: {Count} element(s) in failover order", CurrentElement, list.Count);
                break;
            case AsapError asapError:
                LastError = new RSerPoolException(PoolFailure.ProtocolViolation, $"Pool element {CurrentElement?.IdentifierText} sent ASAP_ERROR: {asapError.OperationError}") { PoolHandle = PoolHandle };
                _logger.LogWarning("Pool element {Element} sent ASAP_ERROR {Error}", CurrentElement, asapError.OperationError);
                break;
            default:
                _logger.LogDebug("Ignored {Type} on the control channel of {Element}", message.Type, CurrentElement);
                break;
        }
    }

    /// <summary>The messages answering a request, or the failure that ended the wait for them.</summary>
    private readonly record struct Answer(IReadOnlyList<SessionMessage>? Messages, TransportException? Failure);
}
