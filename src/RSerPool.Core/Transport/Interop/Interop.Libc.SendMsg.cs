using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    // No SetLastError, as for RecvMsg (see there): the caller reads errno after a failed call.
    /// <summary>sendmsg(2); the PPID travels in an SCTP_SNDINFO control message.</summary>
    [LibraryImport(LibraryName, EntryPoint = "sendmsg")]
    internal static unsafe partial nint SendMsg(IntPtr socket, MessageHeader* message, int flags);
}
