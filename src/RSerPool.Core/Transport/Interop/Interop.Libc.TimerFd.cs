using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    // <sys/timerfd.h> and <time.h> on Linux.
    internal const int CLOCK_MONOTONIC = 1;
    internal const int TFD_NONBLOCK = 0x800;
    internal const int TFD_CLOEXEC = 0x80000;

    /// <summary>timerfd_create(2).</summary>
    [LibraryImport(LibraryName, EntryPoint = "timerfd_create", SetLastError = true)]
    internal static partial int TimerFdCreate(int clockId, int flags);

    /// <summary>
    /// timerfd_settime(2); <paramref name="newValue"/> points to a struct itimerspec, four 64-bit
    /// fields on the 64-bit Linux targets (interval seconds and nanoseconds, then the value's).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "timerfd_settime", SetLastError = true)]
    internal static unsafe partial int TimerFdSetTime(int fd, int flags, long* newValue, long* oldValue);

    /// <summary>read(2).</summary>
    [LibraryImport(LibraryName, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, byte* buffer, nint count);
}
