using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    // <poll.h> on Linux.
    internal const short POLLIN = 0x001;

    /// <summary>
    /// ppoll(2) on one descriptor: <paramref name="fds"/> points to a struct pollfd (int fd, short
    /// events, short revents) and <paramref name="timeout"/> to a struct timespec (64-bit seconds and
    /// nanoseconds on the 64-bit Linux targets); no signal mask.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "ppoll", SetLastError = true)]
    internal static unsafe partial int PPoll(void* fds, nuint count, long* timeout, void* sigmask);
}
