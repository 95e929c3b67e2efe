using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    // No SetLastError: the request loop's hot call. The generated stub would clear errno before the call
    // and copy it to the runtime's per-thread slot after, on every call; the caller reads errno with
    // Marshal.GetLastSystemError() right after a failed call instead, the same read the stub does
    // (also after the return to managed code), only when there is an error to read.
    /// <summary>sendmsg(2); the PPID travels in an SCTP_SNDINFO control message.</summary>
    [LibraryImport(LibraryName, EntryPoint = "sendmsg")]
    internal static unsafe partial nint SendMsg(IntPtr socket, MessageHeader* message, int flags);
}
