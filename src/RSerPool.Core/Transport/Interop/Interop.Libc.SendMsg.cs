using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    /// <summary>sendmsg(2); the PPID travels in an SCTP_SNDINFO control message.</summary>
    [LibraryImport(LibraryName, EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint SendMsg(IntPtr socket, MessageHeader* message, int flags);
}
