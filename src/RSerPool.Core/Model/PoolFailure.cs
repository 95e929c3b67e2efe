namespace RSerPool;

/// <summary>Why a pool operation failed; the cmdlets use the name as the ErrorId.</summary>
public enum PoolFailure
{
    /// <summary>No registrar could be reached (none configured, none learned from announces, or none answered).</summary>
    NoRegistrarReachable,

    /// <summary>The registrar answered that the pool handle is unknown (RFC 5354 §3.12, cause 0x9).</summary>
    PoolHandleNotFound,

    /// <summary>The pool has no element left to try.</summary>
    NoPoolElementAvailable,

    /// <summary>A pool element could not be reached.</summary>
    PoolElementUnreachable,

    /// <summary>A registrar or pool element did not answer in time.</summary>
    Timeout,

    /// <summary>A peer sent something that is not valid ASAP.</summary>
    ProtocolViolation,

    /// <summary>A registrar refused the request with an operation error.</summary>
    RejectedByRegistrar,

    /// <summary>This system has no SCTP (kernel module missing, or not Linux).</summary>
    TransportUnavailable,

    /// <summary>The application's failover callback failed on the new pool element; the session stays usable.</summary>
    FailoverCallbackFailed,

    /// <summary>The session is being used by another call at the same time.</summary>
    SessionBusy,

    /// <summary>The session was closed.</summary>
    SessionClosed,
}
