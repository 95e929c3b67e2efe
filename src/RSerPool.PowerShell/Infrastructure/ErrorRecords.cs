using System;
using System.Management.Automation;

namespace RSerPool.PowerShell;

/// <summary>
/// The one table from failures to ErrorRecords (house style §7.3): the ErrorId is the
/// <see cref="PoolFailure"/> name or a fixed validation id, the category comes from here, the target is
/// the pool handle, element or session the input was about, and each record says what to do next.
/// </summary>
internal static class ErrorRecords
{
    /// <summary>No registrar from -Registrar, $PSDefaultParameterValues, RSERPOOL_REGISTRARS or the config file, and no -Discover.</summary>
    internal const string RegistrarNotSpecified = nameof(RegistrarNotSpecified);

    /// <summary>A registrar address that does not parse (-Registrar, RSERPOOL_REGISTRARS or the config file).</summary>
    internal const string InvalidRegistrarAddress = nameof(InvalidRegistrarAddress);

    /// <summary>-Policy names no supported policy.</summary>
    internal const string InvalidPolicy = nameof(InvalidPolicy);

    /// <summary>-Exclude holds something that is neither an element nor an identifier.</summary>
    internal const string InvalidPoolElementIdentifier = nameof(InvalidPoolElementIdentifier);

    /// <summary>-HedgeAfterSec or -AdaptiveHedge without -Idempotent: a hedge may run the request twice.</summary>
    internal const string HedgeNeedsIdempotent = nameof(HedgeNeedsIdempotent);

    /// <summary>-Ppid 11, which belongs to ASAP's control channel.</summary>
    internal const string ReservedPayloadProtocolId = nameof(ReservedPayloadProtocolId);

    /// <summary>The failover script block could not run because the session was used outside an RSerPoolPU cmdlet.</summary>
    internal const string NoPipelineForFailoverScript = nameof(NoPipelineForFailoverScript);

    /// <summary>Failures that no later pipeline input can escape: no registrar to ask, or no SCTP at all.</summary>
    internal static bool StopsThePipeline(PoolFailure failure) =>
        failure is PoolFailure.NoRegistrarReachable or PoolFailure.TransportUnavailable;

    /// <summary>The record for a core failure.</summary>
    internal static ErrorRecord From(RSerPoolException exception, object? target)
    {
        var record = new ErrorRecord(exception, exception.Failure.ToString(), CategoryOf(exception.Failure), target);
        record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = RecommendedAction(exception) };
        return record;
    }

    /// <summary>A terminating validation error (house style §7.2: cross-parameter rules, fixed ids, InvalidArgument).</summary>
    internal static ErrorRecord Validation(string errorId, string message, object? target, string recommendedAction, Exception? inner = null)
    {
        var record = new ErrorRecord(new ArgumentException(message, inner), errorId, ErrorCategory.InvalidArgument, target);
        record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        return record;
    }

    /// <summary>The category of each failure.</summary>
    internal static ErrorCategory CategoryOf(PoolFailure failure) => failure switch
    {
        PoolFailure.NoRegistrarReachable => ErrorCategory.ConnectionError,
        PoolFailure.PoolHandleNotFound => ErrorCategory.ObjectNotFound,
        PoolFailure.NoPoolElementAvailable => ErrorCategory.ResourceUnavailable,
        PoolFailure.PoolElementUnreachable => ErrorCategory.ConnectionError,
        PoolFailure.Timeout => ErrorCategory.OperationTimeout,
        PoolFailure.ProtocolViolation => ErrorCategory.ProtocolError,
        PoolFailure.RejectedByRegistrar => ErrorCategory.PermissionDenied,
        PoolFailure.TransportUnavailable => ErrorCategory.NotImplemented,
        PoolFailure.FailoverCallbackFailed => ErrorCategory.InvalidResult,
        PoolFailure.SessionBusy => ErrorCategory.ResourceBusy,
        PoolFailure.SessionClosed => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.NotSpecified,
    };

    private static string RecommendedAction(RSerPoolException exception) => exception.Failure switch
    {
        PoolFailure.NoRegistrarReachable =>
            "Check the registrar addresses (-Registrar, $PSDefaultParameterValues['*-Pool*:Registrar'], $env:RSERPOOL_REGISTRARS or ~/.config/rserpool/registrars) "
            + "and that a registrar listens there (Get-PoolRegistrar shows what is used).",
        PoolFailure.PoolHandleNotFound =>
            "Check the spelling of the pool handle (handles are case-sensitive) and that at least one pool element is registered under it.",
        PoolFailure.NoPoolElementAvailable =>
            "Every element of the pool is excluded, failed or has weight 0; start more pool elements or retry with fewer exclusions.",
        PoolFailure.PoolElementUnreachable => exception.RequestMayHaveBeenSent
            ? "The request may have run on the failed element. If repeating it is safe, send it again or use -Idempotent so the session resends it after a failover."
            : "Retry; the session fails over to another element on its next call. Check the element's host and that SCTP reaches its port.",
        PoolFailure.Timeout =>
            "Raise -TimeoutSec, or check that the element answers the request (an echo server answers every message, a discard server never does).",
        PoolFailure.ProtocolViolation =>
            "The peer sent invalid ASAP. Run with -Debug to see the messages; report it with the peer's software version.",
        PoolFailure.RejectedByRegistrar =>
            "The registrar refused the request; see its log for the operation error.",
        PoolFailure.TransportUnavailable =>
            "This system has no kernel SCTP. Load the module (sudo modprobe sctp) on Linux, or run in the project's lab (tests/lab/run.sh).",
        PoolFailure.FailoverCallbackFailed =>
            "Fix the -OnFailover script block; the session is connected to the new element and can be used again.",
        PoolFailure.SessionBusy =>
            "A session serves one call at a time; wait for the other call or open another session with Connect-PoolElement.",
        PoolFailure.SessionClosed =>
            "Open a new session with Connect-PoolElement.",
        _ => "See the exception for details.",
    };
}
