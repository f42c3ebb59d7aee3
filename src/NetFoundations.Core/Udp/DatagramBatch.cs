using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetFoundations.Core.Udp
{
    /// <summary>
    /// Datagrams to and from a connected UDP socket, many to a system call (Linux): recvmmsg waits,
    /// within the socket's receive timeout, for the first datagram and takes what else has come;
    /// sendmmsg sends what was queued. Up to Capacity each way, each up to the slot size.
    /// </summary>
    internal sealed class DatagramBatch : IDisposable
    {
        private const int MsgWaitForOne = 0x10000;
        private const int MsgTrunc = 0x20;
        // struct iovec and struct mmsghdr (a msghdr, then msg_len) as 64-bit Linux lays them out.
        private const int IovecSize = 16;
        private const int IovecLength = 8;
        private const int MmsghdrSize = 64;
        private const int MsgIov = 16;
        private const int MsgIovLen = 24;
        private const int MsgFlags = 48;
        private const int MsgLen = 56;
        private const int EAgain = 11;
        private const int EIntr = 4;
        private readonly Socket socket;
        private readonly int slotSize;
        private readonly IntPtr slots;
        private readonly IntPtr iovecs;
        private readonly IntPtr headers;
        private readonly IntPtr sendSlots;
        private readonly IntPtr sendIovecs;
        private readonly IntPtr sendHeaders;

        public DatagramBatch(Socket socket, int capacity, int slotSize)
        {
            this.socket = socket;
            this.slotSize = slotSize;
            Capacity = capacity;
            slots = Marshal.AllocHGlobal(capacity * slotSize);
            iovecs = Marshal.AllocHGlobal(capacity * IovecSize);
            headers = Marshal.AllocHGlobal(capacity * MmsghdrSize);
            sendSlots = Marshal.AllocHGlobal(capacity * slotSize);
            sendIovecs = Marshal.AllocHGlobal(capacity * IovecSize);
            sendHeaders = Marshal.AllocHGlobal(capacity * MmsghdrSize);
            for (var i = 0; i < capacity; i++)
            {
                var iovec = iovecs + i * IovecSize;
                Marshal.WriteIntPtr(iovec, slots + i * slotSize);
                Marshal.WriteInt64(iovec, IovecLength, slotSize);
                Marshal.WriteIntPtr(sendIovecs + i * IovecSize, sendSlots + i * slotSize);
            }
            Prepare(headers, iovecs, Capacity);
            Prepare(sendHeaders, sendIovecs, Capacity);
        }

        public int Capacity { get; }
        /// <summary>Datagrams queued and not yet sent.</summary>
        public int Queued { get; private set; }

        /// <summary>Queues a datagram for Send; false when the queue is full or the datagram longer than a slot.</summary>
        public bool Queue(byte[] datagram)
        {
            if (Queued == Capacity || datagram.Length > slotSize)
                return false;
            Marshal.Copy(datagram, 0, sendSlots + Queued * slotSize, datagram.Length);
            Marshal.WriteInt64(sendIovecs + Queued * IovecSize, IovecLength, datagram.Length);
            Queued++;
            return true;
        }

        /// <summary>Sends what is queued and empties the queue; returns how many were sent, in queue order (the rest failed).</summary>
        public int Send()
        {
            var sent = 0;
            while (sent < Queued)
            {
                var count = sendmmsg(socket.Handle.ToInt32(), sendHeaders + sent * MmsghdrSize, (uint)(Queued - sent), 0);
                if (count > 0)
                    sent += count;
                else if (count < 0 && Marshal.GetLastWin32Error() == EIntr)
                    continue;
                else
                    break;
            }
            Queued = 0;
            return sent;
        }

        /// <summary>How many datagrams came: 0 when none did within the timeout; -1 when the socket failed.</summary>
        public int Receive()
        {
            while (true)
            {
                var count = recvmmsg(socket.Handle.ToInt32(), headers, (uint)Capacity, MsgWaitForOne, IntPtr.Zero);
                if (count >= 0)
                    return count;
                var errno = Marshal.GetLastWin32Error();
                if (errno == EIntr)
                    continue;
                return errno == EAgain ? 0 : -1;
            }
        }

        /// <summary>Copies datagram i into buffer (as much as a slot holds); returns its length; truncated when it was longer than a slot.</summary>
        public int Read(int i, byte[] buffer, out bool truncated)
        {
            var header = headers + i * MmsghdrSize;
            truncated = (Marshal.ReadInt32(header, MsgFlags) & MsgTrunc) != 0;
            var length = Math.Min(Marshal.ReadInt32(header, MsgLen), slotSize);
            Marshal.Copy(slots + i * slotSize, buffer, 0, length);
            return length;
        }

        /// <summary>
        /// The headers, once: no address, no control data, one iovec each. The kernel writes back only
        /// what is free to change from call to call (msg_len, msg_flags, the control length of 0).
        /// </summary>
        private static void Prepare(IntPtr headers, IntPtr iovecs, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var header = headers + i * MmsghdrSize;
                for (var offset = 0; offset < MmsghdrSize; offset += 8)
                    Marshal.WriteInt64(header, offset, 0);
                Marshal.WriteIntPtr(header, MsgIov, iovecs + i * IovecSize);
                Marshal.WriteInt64(header, MsgIovLen, 1);
            }
        }

        public void Dispose()
        {
            Marshal.FreeHGlobal(slots);
            Marshal.FreeHGlobal(iovecs);
            Marshal.FreeHGlobal(headers);
            Marshal.FreeHGlobal(sendSlots);
            Marshal.FreeHGlobal(sendIovecs);
            Marshal.FreeHGlobal(sendHeaders);
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int recvmmsg(int socket, IntPtr messages, uint count, int flags, IntPtr timeout);

        [DllImport("libc", SetLastError = true)]
        private static extern int sendmmsg(int socket, IntPtr messages, uint count, int flags);
    }
}
