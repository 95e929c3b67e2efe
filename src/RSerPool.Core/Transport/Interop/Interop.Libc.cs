namespace RSerPool.Transport.Interop;

/// <summary>P/Invoke declarations for Linux libc, one native function per file (dotnet/runtime's Interop style).</summary>
internal static partial class Libc
{
    internal const string LibraryName = "libc";

    // <sys/socket.h>, <netinet/in.h> on Linux.
    internal const int AF_INET = 2;
    internal const int AF_INET6 = 10;
    internal const int SOCK_STREAM = 1;
    internal const int IPPROTO_SCTP = 132;
    internal const int IPPROTO_IPV6 = 41;
    internal const int IPV6_V6ONLY = 26;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_EOR = 0x80;
    internal const int MSG_NOSIGNAL = 0x4000;

    // <errno.h> on Linux.
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int EINPROGRESS = 115;
    internal const int EPROTONOSUPPORT = 93;
    internal const int ESOCKTNOSUPPORT = 94;
    internal const int EAFNOSUPPORT = 97;
}
