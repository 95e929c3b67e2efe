using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int O_NONBLOCK = 0x800;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVTIMEO = 20;

    /// <summary>
    /// fcntl(2) with an int argument (F_GETFL, F_SETFL). The managed Socket cannot make a socket blocking
    /// again on Linux: once non-blocking, it stays so in the kernel and .NET emulates blocking calls.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(IntPtr descriptor, int command, int argument);
}
