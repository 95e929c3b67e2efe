namespace RSerPool.Transport.Sctp;

/// <summary>Socket option, control message and notification numbers from Linux &lt;linux/sctp.h&gt; (RFC 6458 names).</summary>
internal static class SctpConstants
{
    internal const int SolSctp = 132;

    // Socket options (RFC 6458 §8).
    internal const int RtoInfo = 0;
    internal const int AssocInfo = 1;
    internal const int InitMsg = 2;
    internal const int NoDelay = 3;
    internal const int PeerAddrParams = 9;
    internal const int RecvRcvInfo = 32;
    internal const int SockoptBindxAdd = 100;
    internal const int SockoptConnectx = 110;
    internal const int Event = 127;

    // Control message types (enum sctp_cmsg_type).
    internal const int CmsgSndInfo = 2;
    internal const int CmsgRcvInfo = 3;

    // struct sctp_sndinfo / sctp_rcvinfo sizes on Linux.
    internal const int SndInfoSize = 16;
    internal const int RcvInfoSize = 28;

    // Notification types (enum sctp_sn_type, RFC 6458 §6.1).
    internal const ushort AssocChange = 0x8001;
    internal const ushort PeerAddrChange = 0x8002;
    internal const ushort SendFailed = 0x8003;
    internal const ushort RemoteError = 0x8004;
    internal const ushort ShutdownEvent = 0x8005;
    internal const ushort SendFailedEvent = 0x800d;

    // sac_state of SCTP_ASSOC_CHANGE (RFC 6458 §6.1.1).
    internal const ushort CommUp = 0;
    internal const ushort CommLost = 1;
    internal const ushort Restart = 2;
    internal const ushort ShutdownComplete = 3;
    internal const ushort CannotStartAssociation = 4;

    internal const int MsgNotification = 0x8000;

    // spp_flags of SCTP_PEER_ADDR_PARAMS.
    internal const uint SppHeartbeatEnable = 1;
}
