using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;
using FluentFTP.Helpers;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// FluentFTP's client with what Core needs beneath it: the control connection's socket (to end any wait at a
    /// deadline), the greeting, a raw data connection for a listing that Core reads itself (bounded), and the parser.
    /// </summary>
    internal sealed class BoundedFtpClient : AsyncFtpClient
    {
        private readonly string address;

        /// <param name="host">The server's name: TLS sends it (SNI), and the TLS session is reused on the data connections by it.</param>
        /// <param name="address">Where every connection goes, control and data (Endpoints.AddressesAsync resolved it once).</param>
        public BoundedFtpClient(string host, string address, NetworkCredential credential, int port, FtpConfig config, IFtpLogger logger)
            : base(host, credential, port, config, logger)
        {
            this.address = address;
        }

        /// <summary>
        /// Connects the control connection and every data connection to the address the session connected to: the name is
        /// never resolved again, and the address in a PASV reply is not followed (as curl does by default), so a reply
        /// cannot send the data connection elsewhere.
        /// </summary>
        protected override Task ConnectAsync(FtpSocketStream stream, string host, int port, FtpIpVersion ipVersions, CancellationToken token) =>
            base.ConnectAsync(stream, address, port, ipVersions, token);

        /// <summary>The server's greeting (the 220 reply), without its code.</summary>
        public string Banner
        {
            get
            {
                var reply = HandshakeReply;
                var info = reply.InfoMessages?.Trim();
                return string.IsNullOrEmpty(info) ? reply.Message ?? string.Empty : info + "\n" + reply.Message;
            }
        }

        /// <summary>The parser FluentFTP chose for this server's listings (set up once connected).</summary>
        public FtpListParser Parser => CurrentListParser;

        /// <summary>Opens the data connection for a listing command (MLSD, LIST) and returns it once the server said 150.</summary>
        public async Task<Stream> OpenListingAsync(string command, CancellationToken token) =>
            await OpenDataStreamAsync(command, 0, token).ConfigureAwait(false);

        /// <summary>Shuts the control connection's socket down both ways, so that every wait on it ends at once; never throws.</summary>
        public void ShutdownControl() => FtpNetSocket.Shutdown(m_stream);
    }

    /// <summary>
    /// Reaches the socket beneath a FluentFTP stream, which FluentFTP 54.2.0 keeps internal (FtpSocketStream.Socket),
    /// by its name: a shutdown needs no lock, so it ends a read or a send that a frozen server holds, whether or not
    /// FluentFTP watches its token there. FtpNetSocketTests pins the name, so an upgrade that changes it fails a test.
    /// </summary>
    internal static class FtpNetSocket
    {
        private static readonly PropertyInfo? SocketProperty =
            typeof(FtpSocketStream).GetProperty("Socket", BindingFlags.NonPublic | BindingFlags.Instance);

        internal static bool Reachable => SocketProperty != null;

        internal static Socket? Of(Stream? stream) =>
            stream is FtpSocketStream ftp ? SocketProperty?.GetValue(ftp) as Socket : null;

        public static void Shutdown(Stream? stream)
        {
            try
            {
                Of(stream)?.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is TargetInvocationException)
            {
            }
        }
    }
}
