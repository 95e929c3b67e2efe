using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    /// <summary>recvmsg(2); the only way to read the PPID (SCTP_RCVINFO) and notifications (MSG_NOTIFICATION).</summary>
    [LibraryImport(LibraryName, EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint RecvMsg(IntPtr socket, MessageHeader* message, int flags);
}
