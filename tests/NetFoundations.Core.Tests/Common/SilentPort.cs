using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests
{
    /// <summary>
    /// A loopback listener whose accept queue is full: Linux drops further SYNs, so a connect gets no
    /// answer at all, as from a host that a firewall hides.
    /// </summary>
    public sealed class SilentPort : IDisposable
    {
        private readonly Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly List<Socket> fillers = new List<Socket>();

        public SilentPort()
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            for (var i = 0; i < 3; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                _ = filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port)).ContinueWith(t => t.Exception, TaskScheduler.Default);
            }
            Thread.Sleep(200);
        }

        public int Port { get; }

        public void Dispose()
        {
            fillers.ForEach(f => f.Dispose());
            listener.Dispose();
        }
    }
}
