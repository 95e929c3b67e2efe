using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    /// <summary>setsockopt(2), used where the option returns a value (SCTP_SOCKOPT_CONNECTX returns the association id).</summary>
    [LibraryImport(LibraryName, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(IntPtr socket, int level, int optionName, byte* optionValue, uint optionLength);
}
