using System;
using System.Runtime.InteropServices;

namespace RSerPool.Transport.Interop;

internal static partial class Libc
{
    /// <summary>struct msghdr on 64-bit Linux (56 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct cmsghdr on 64-bit Linux: length (size_t), level, type; data aligned to 8.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ControlMessageHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>CMSG_ALIGN for 64-bit Linux.</summary>
    internal static int ControlAlign(int length) => (length + 7) & ~7;

    // sizeof, not Marshal.SizeOf<T>(): the struct is blittable, so both are 16, but sizeof is a constant
    // to the JIT where Marshal.SizeOf is a runtime call per use (perf in the lab: about 1% of a request
    // loop's samples, three uses per send).

    /// <summary>CMSG_SPACE: header plus aligned data.</summary>
    internal static unsafe int ControlSpace(int dataLength) => ControlAlign(sizeof(ControlMessageHeader)) + ControlAlign(dataLength);

    /// <summary>CMSG_LEN: header plus unpadded data.</summary>
    internal static unsafe int ControlLength(int dataLength) => ControlAlign(sizeof(ControlMessageHeader)) + dataLength;
}
