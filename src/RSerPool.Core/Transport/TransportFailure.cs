namespace RSerPool.Transport;

/// <summary>Why a transport operation failed.</summary>
public enum TransportFailure
{
    /// <summary>The operating system offers no SCTP (no kernel module, or not Linux).</summary>
    SctpUnavailable,

    /// <summary>The association could not be set up (refused, unreachable, INIT timed out).</summary>
    ConnectFailed,

    /// <summary>The connect did not complete within its time limit.</summary>
    ConnectTimeout,

    /// <summary>The peer aborted the association (SCTP ABORT, RFC 9260 §9.1).</summary>
    PeerAborted,

    /// <summary>The association was lost: retransmissions to every peer address failed (SCTP_COMM_LOST).</summary>
    CommunicationLost,

    /// <summary>The association was shut down, by the peer or locally (SHUTDOWN, RFC 9260 §9.2).</summary>
    Shutdown,

    /// <summary>A received message exceeded the configured maximum size and was discarded.</summary>
    MessageTooLarge,

    /// <summary>The association refused a message (SCTP_SEND_FAILED).</summary>
    SendFailed,

    /// <summary>Any other socket error; see the inner exception.</summary>
    SocketError,
}
