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
        private const int IovecSize = 16;
        private const int MmsghdrSize = 64;
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
                Marshal.WriteInt64(iovec, 8, slotSize);
                Marshal.WriteIntPtr(sendIovecs + i * IovecSize, sendSlots + i * slotSize);
            }
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
            Marshal.WriteInt64(sendIovecs + Queued * IovecSize, 8, datagram.Length);
            Queued++;
            return true;
        }

        /// <summary>Sends what is queued and empties the queue; returns how many were sent, in queue order (the rest failed).</summary>
        public int Send()
        {
            var sent = 0;
            while (sent < Queued)
            {
                for (var i = sent; i < Queued; i++)
                {
                    var header = sendHeaders + i * MmsghdrSize;
                    for (var offset = 0; offset < MmsghdrSize; offset += 8)
                        Marshal.WriteInt64(header, offset, 0);
                    Marshal.WriteIntPtr(header, 16, sendIovecs + i * IovecSize);
                    Marshal.WriteInt64(header, 24, 1);
                }
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
            for (var i = 0; i < Capacity; i++)
            {
                var header = headers + i * MmsghdrSize;
                for (var offset = 0; offset < MmsghdrSize; offset += 8)
                    Marshal.WriteInt64(header, offset, 0);
                Marshal.WriteIntPtr(header, 16, iovecs + i * IovecSize);
                Marshal.WriteInt64(header, 24, 1);
            }
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
            truncated = (Marshal.ReadInt32(header, 48) & MsgTrunc) != 0;
            var length = Math.Min(Marshal.ReadInt32(header, 56), slotSize);
            Marshal.Copy(slots + i * slotSize, buffer, 0, length);
            return length;
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
