using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    /// <summary>socket(2). The managed Socket constructor refuses IPPROTO_SCTP without calling it.</summary>
    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);
}
