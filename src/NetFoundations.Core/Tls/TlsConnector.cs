using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>A TCP connection to a TLS target, ready for the handshake (STARTTLS done when asked for).</summary>
    internal sealed class TlsConnectedEndpoint : ITlsConnectedEndpoint, IDisposable
    {
        public TlsConnectedEndpoint(Socket socket, IPAddress address, TimeSpan resolveTime, TimeSpan connectTime, TimeSpan startTlsTime,
            IReadOnlyList<TranscriptEntry> startTlsTranscript)
        {
            Socket = socket;
            Stream = new NetworkStream(socket, ownsSocket: true);
            Address = address;
            ResolveTime = resolveTime;
            ConnectTime = connectTime;
            StartTlsTime = startTlsTime;
            StartTlsTranscript = startTlsTranscript;
        }

        public Socket Socket { get; }
        public NetworkStream Stream { get; }
        public IPAddress Address { get; }
        public TimeSpan ResolveTime { get; }
        public TimeSpan ConnectTime { get; }
        public TimeSpan StartTlsTime { get; }
        public IReadOnlyList<TranscriptEntry> StartTlsTranscript { get; }

        public void Dispose() => Stream.Dispose();
    }

    internal static class TlsConnector
    {
        /// <summary>
        /// Resolves (unless addresses are given), connects to the first address that accepts and negotiates
        /// STARTTLS; each stage bounded by timeout. A stage that fails is noted in the transcript.
        /// </summary>
        public static async Task<TlsConnectedEndpoint> ConnectAsync(TlsTarget target, TimeSpan timeout, Transcript transcript,
            CancellationToken cancellationToken)
        {
            var where = target.ToString();
            var clock = Stopwatch.StartNew();
            IPAddress[] addresses;
            try
            {
                addresses = await Endpoints.AddressesAsync(target.ComputerName, target.Addresses, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                TcpConnector.NoteFailure(transcript, $"Resolving {target.ComputerName}", e, clock.Elapsed);
                throw;
            }
            var resolveTime = clock.Elapsed;

            clock.Restart();
            var socket = await TcpConnector.ConnectAsync(addresses, target.Port, where, timeout, cancellationToken, transcript).ConfigureAwait(false);
            var connectTime = clock.Elapsed;
            var address = ((IPEndPoint)socket.RemoteEndPoint).Address;
            try
            {
                transcript.Note($"Connected to {Endpoints.Format(address.ToString(), target.Port)} from {socket.LocalEndPoint}");

                var startTlsTranscript = Array.Empty<TranscriptEntry>();
                clock.Restart();
                if (target.StartTls != StartTlsProtocol.None)
                {
                    var before = transcript.Entries.Count;
                    var clientName = $"[{((IPEndPoint)socket.LocalEndPoint).Address}]";
                    var stream = new NetworkStream(socket, ownsSocket: false);
                    try
                    {
                        await Stages.RunAsync(
                            () => StartTlsNegotiator.NegotiateAsync(stream, target.StartTls, where, clientName, transcript, cancellationToken),
                            socket, timeout, $"STARTTLS ({target.StartTls})", where, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        var error = e is SocketException || e is System.IO.IOException && e.InnerException is SocketException
                            ? SocketErrors.Translate(e as SocketException ?? (SocketException)e.InnerException, where)
                            : e;
                        TcpConnector.NoteFailure(transcript, $"STARTTLS ({target.StartTls}) with {where}", error, clock.Elapsed);
                        if (error == e)
                            throw;
                        throw error;
                    }
                    startTlsTranscript = transcript.Entries.Skip(before).ToArray();
                }
                return new TlsConnectedEndpoint(socket, address, resolveTime, connectTime, clock.Elapsed, startTlsTranscript);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
